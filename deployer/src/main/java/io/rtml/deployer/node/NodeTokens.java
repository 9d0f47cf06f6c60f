package io.rtml.deployer.node;

import io.rtml.deployer.DeployerProperties;
import org.springframework.stereotype.Component;

/**
 * Resolves a target's admin token: {@code admin_token_ref} names an entry of
 * {@code rtml.deployer.node-tokens}; null means {@code rtml.deployer.default-node-token}.
 */
@Component
class NodeTokens {

    private final DeployerProperties properties;

    NodeTokens(DeployerProperties properties) {
        this.properties = properties;
    }

    String tokenFor(NodeTarget target) {
        String ref = target.adminTokenRef();
        String token = ref == null || ref.isBlank() ? properties.defaultNodeToken() : properties.nodeTokens().get(ref);
        if (token == null || token.isBlank()) {
            throw new NodeCallException(target.name() + ": no admin token configured ("
                    + (ref == null ? "rtml.deployer.default-node-token" : "rtml.deployer.node-tokens." + ref) + ")");
        }
        return token;
    }
}
