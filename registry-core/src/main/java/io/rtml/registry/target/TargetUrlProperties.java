package io.rtml.registry.target;

import java.util.List;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where targets may point ({@code rtml.targets.*}): the deployer sends every target its node
 * credential and presigned artifact URLs, so a target's base URL must name a host the operator
 * listed. Nothing is allowed by default; the embedded stack allows loopback over http.
 *
 * @param allowedSchemes URL schemes
 * @param allowedHosts host names, exactly ({@code hub.rtml.internal}) or as a suffix
 *     ({@code *.nodes.example.com}, subdomains only); names are compared, never resolved
 * @param allowedCidrs address ranges of IP-literal hosts ({@code 10.20.0.0/16}, {@code ::1/128})
 */
@ConfigurationProperties("rtml.targets")
public record TargetUrlProperties(@DefaultValue("https") List<String> allowedSchemes,
        @DefaultValue List<String> allowedHosts, @DefaultValue List<String> allowedCidrs) {

    public TargetUrlProperties {
        allowedSchemes = lower(allowedSchemes);
        allowedHosts = lower(allowedHosts);
        allowedCidrs = List.copyOf(allowedCidrs);
    }

    private static List<String> lower(List<String> values) {
        return values.stream().map(v -> v.strip().toLowerCase(Locale.ROOT)).filter(v -> !v.isEmpty()).toList();
    }
}
