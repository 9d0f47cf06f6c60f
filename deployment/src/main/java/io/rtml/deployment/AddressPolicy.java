package io.rtml.deployment;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where a host name may lead when the control plane connects to it. Target and webhook URLs are
 * allow-listed by name, and a name is only as good as its DNS: one that resolved to a node yesterday
 * may resolve to {@code 169.254.169.254} (cloud metadata) or {@code 127.0.0.1} today (DNS
 * rebinding). So the addresses are checked when a connection is made, and the caller connects to the
 * address that was checked, never resolving the name a second time.
 *
 * <p>A name may resolve to any address except the ones no remote node or receiver has: loopback,
 * link-local ({@code 169.254.0.0/16}, which holds the metadata services of AWS, GCP, Azure and
 * OpenStack, and {@code fe80::/10}), the unspecified address ({@code 0.0.0.0/8}, {@code ::}),
 * multicast, and the metadata addresses outside those ranges ({@code fd00:ec2::254},
 * {@code 100.100.100.200}). Private ranges stay allowed: Kubernetes services and pods have them.
 * An operator who runs a node or receiver on one of the refused addresses lists its range in
 * {@code allowedCidrs}. Every address the name resolves to must pass, so a name that answers with a
 * good and a bad address is refused rather than sometimes used.
 *
 * <p>IP literals are not looked up and not checked here: the allow-list checked them by range when
 * the URL was stored, and no DNS answer can change them.
 */
public final class AddressPolicy {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("\\[?[0-9a-fA-F:.]*:[0-9a-fA-F:.]*]?");
    private static final List<Cidr> METADATA = List.of(Cidr.parse("fd00:ec2::254/128"),
            Cidr.parse("100.100.100.200/32"), Cidr.parse("0.0.0.0/8"));

    private final List<Cidr> allowed;
    private final String setting;

    /**
     * @param allowedCidrs ranges a name may resolve to even though they are refused by default
     * @param setting the setting that holds them, named in refusals
     */
    public AddressPolicy(List<String> allowedCidrs, String setting) {
        this.allowed = allowedCidrs.stream().map(String::strip).filter(s -> !s.isEmpty()).map(Cidr::parse).toList();
        this.setting = setting;
    }

    /** A name that resolved to an address the policy refuses; a kind of lookup failure. */
    public static final class RefusedAddressException extends UnknownHostException {

        RefusedAddressException(String message) {
            super(message);
        }
    }

    /**
     * The addresses to connect to for {@code host}, each checked: an IP literal as it is, a name
     * resolved once. Throws when the name does not resolve or resolves to a refused address.
     */
    public InetAddress[] resolve(String host) throws UnknownHostException {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (isLiteral(host)) {
            return new InetAddress[] {InetAddress.getByName(bare)}; // a literal: no lookup happens
        }
        InetAddress[] addresses = InetAddress.getAllByName(bare);
        for (InetAddress address : addresses) {
            String why = refusal(address);
            if (why != null) {
                throw new RefusedAddressException("'" + host + "' resolves to " + address.getHostAddress() + ", " + why
                        + ", where rtml never connects by name unless " + setting + " lists its range");
            }
        }
        return addresses;
    }

    /** The first checked address of {@code host} (see {@link #resolve}). */
    public InetAddress pin(String host) throws UnknownHostException {
        return resolve(host)[0];
    }

    /** Why {@code address} is refused for a name, or null when it is not. */
    String refusal(InetAddress address) {
        if (allowed.stream().anyMatch(r -> r.contains(address))) {
            return null;
        }
        if (address.isLoopbackAddress()) {
            return "a loopback address";
        }
        if (address.isLinkLocalAddress()) {
            return "a link-local address (cloud metadata services live there)";
        }
        if (address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return "an unspecified or multicast address";
        }
        if (METADATA.stream().anyMatch(r -> r.contains(address))) {
            return "a cloud metadata or unspecified address";
        }
        return null;
    }

    public static boolean isLiteral(String host) {
        return IPV4.matcher(host).matches() || IPV6.matcher(host).matches();
    }
}
