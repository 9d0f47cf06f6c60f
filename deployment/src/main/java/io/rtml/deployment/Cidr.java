package io.rtml.deployment;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An address range such as {@code 10.0.0.0/8} or {@code fd00::/8}, built from IP literals only, never
 * DNS: the registry's allow-list of target addresses and {@link AddressPolicy} share it.
 */
public record Cidr(byte[] network, int bits) {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    /** Throws {@link IllegalArgumentException} naming the text when it is not a range. */
    public static Cidr parse(String text) {
        String[] parts = text.strip().split("/", 2);
        InetAddress address = literal(parts[0]);
        int max = address == null ? 0 : address.getAddress().length * 8;
        int bits = parts.length == 1 ? max : parts[1].matches("\\d{1,3}") ? Integer.parseInt(parts[1]) : -1;
        if (address == null || bits < 0 || bits > max) {
            throw new IllegalArgumentException("'" + text + "' is not an address range such as 10.0.0.0/8 or ::1/128");
        }
        return new Cidr(address.getAddress(), bits);
    }

    /** The address of an IP literal (IPv6 with or without brackets), or null when {@code host} is a name. */
    public static InetAddress literal(String host) {
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

    public boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        if (candidate.length != network.length) {
            return false;
        }
        int shift = network.length * 8 - bits;
        return new BigInteger(1, candidate).shiftRight(shift).equals(new BigInteger(1, network).shiftRight(shift));
    }
}
