package io.rtml.registry.target;

import io.rtml.deployment.AddressPolicy;
import io.rtml.deployment.Cidr;
import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Component;

/**
 * Checks a target's base URL against {@link TargetUrlProperties} before it is stored. The refusal
 * never quotes the URL: it may carry a password, and refusals are logged and audited.
 */
@Component
public class TargetUrlPolicy {

    private final TargetUrlProperties properties;
    private final List<Cidr> cidrs;

    public TargetUrlPolicy(TargetUrlProperties properties) {
        this.properties = properties;
        this.cidrs = properties.allowedCidrs().stream().map(TargetUrlPolicy::range).toList();
    }

    /**
     * Where the names this policy allows may lead when the registry connects to them (DNS
     * rebinding): not to loopback, link-local or metadata addresses unless {@code allowed-cidrs}
     * lists their range.
     */
    public AddressPolicy addresses() {
        return new AddressPolicy(properties.allowedCidrs(), "rtml.targets.allowed-cidrs");
    }

    /** The syntax first ({@link TargetUrls}), then this policy's schemes and hosts. */
    public void check(String baseUrl) {
        check(baseUrl, "baseUrl");
    }

    /**
     * As above for another field that takes a URL the registry will call (a webhook's {@code url}): the same
     * syntax and the same allow-list, so one setting decides where the control plane may send requests.
     */
    public void check(String url, String field) {
        URI uri = URI.create(TargetUrls.checkUrl(url, field));
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!properties.allowedSchemes().contains(scheme)) {
            throw refused(field, "uses a scheme that is not allowed; allowed: " + properties.allowedSchemes()
                    + " (rtml.targets.allowed-schemes)");
        }
        String host = uri.getHost() == null ? null : uri.getHost().toLowerCase(Locale.ROOT);
        if (host == null || !allowed(host)) {
            throw refused(field, "names a host that is not allowed: list it in rtml.targets.allowed-hosts or its address"
                    + " range in rtml.targets.allowed-cidrs (RTML_TARGETS_ALLOWED_HOSTS, RTML_TARGETS_ALLOWED_CIDRS)");
        }
    }

    /**
     * A stored base URL as readers see it: one stored before this policy existed may still carry
     * user info, a query or a fragment, which are dropped (the deployer still reads the column).
     */
    static String shown(String baseUrl) {
        try {
            URI uri = new URI(baseUrl);
            if (uri.getRawUserInfo() == null && uri.getRawQuery() == null && uri.getRawFragment() == null) {
                return baseUrl;
            }
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null).toString();
        } catch (URISyntaxException | RuntimeException e) {
            return "(not a valid URL)";
        }
    }

    private boolean allowed(String host) {
        InetAddress literal = Cidr.literal(host);
        if (literal != null) {
            return cidrs.stream().anyMatch(c -> c.contains(literal));
        }
        for (String allowed : properties.allowedHosts()) {
            if (allowed.startsWith("*.") ? host.endsWith(allowed.substring(1)) : host.equals(allowed)) {
                return true;
            }
        }
        return false;
    }

    private static RtmlException refused(String field, String why) {
        return new RtmlException(ErrorCode.VALIDATION_FAILED, field + " " + why,
                List.of(new RtmlException.FieldError(field, why)), null);
    }

    private static Cidr range(String text) {
        try {
            return Cidr.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rtml.targets.allowed-cidrs: " + e.getMessage(), e);
        }
    }
}
