package io.rtml.registry.target;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** An address range such as {@code 10.0.0.0/8} or {@code fd00::/8}; built from literals only, never DNS. */
record Cidr(byte[] network, int bits) {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    static Cidr parse(String text) {
        String[] parts = text.strip().split("/", 2);
        InetAddress address = literal(parts[0]);
        int max = address == null ? 0 : address.getAddress().length * 8;
        int bits = parts.length == 2 && parts[1].matches("\\d{1,3}") ? Integer.parseInt(parts[1]) : parts.length == 2 ? -1 : max;
        if (address == null || bits < 0 || bits > max) {
            throw new IllegalArgumentException("rtml.targets.allowed-cidrs: '" + text + "' is not an address range");
        }
        return new Cidr(address.getAddress(), bits);
    }

    /** The address of an IP literal (IPv6 with or without brackets), or null when {@code host} is a name. */
    static InetAddress literal(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (!IPV4.matcher(bare).matches() && !IPV6.matcher(bare).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(bare); // a literal: no lookup happens
        } catch (UnknownHostException e) {
            return null;
        }
    }

    boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        if (candidate.length != network.length) {
            return false;
        }
        int shift = network.length * 8 - bits;
        return new BigInteger(1, candidate).shiftRight(shift).equals(new BigInteger(1, network).shiftRight(shift));
    }
}
