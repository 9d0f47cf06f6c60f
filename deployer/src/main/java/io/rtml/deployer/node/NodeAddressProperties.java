package io.rtml.deployer.node;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where a node's host name may lead ({@code rtml.deployer.node-addresses.*}).
 *
 * @param allowedCidrs address ranges a node's name may resolve to although they are refused by
 *     default (loopback, link-local, metadata addresses; see {@code AddressPolicy}); empty by default.
 *     IP literals in base URLs are not affected: the registry's allow-list checked them.
 */
@ConfigurationProperties("rtml.deployer.node-addresses")
public record NodeAddressProperties(@DefaultValue List<String> allowedCidrs) {

    public NodeAddressProperties {
        allowedCidrs = List.copyOf(allowedCidrs);
    }
}
