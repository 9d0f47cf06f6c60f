package io.rtml.deployer.node;

import io.rtml.deployer.DeployerProperties;
import io.rtml.deployment.NodeCredentialProperties;
import io.rtml.deployment.NodeCredentials;
import org.springframework.stereotype.Component;

/**
 * The secret a target's node is shown: its own node credential, derived from
 * {@code rtml.node-credentials.key} and the salt stored with the target. The salt comes with the
 * target's row ({@link NodeTarget#credentialSalt}), read in the one query that reads every target
 * of a deployment attempt, probe round or telemetry round: a rotation counts from the next of
 * those, and no call costs a database round trip of its own (a fan-out to 300 targets used to make
 * 300 of them, one after the other, before its last call left). Each target gets only its own, so
 * a host that registers itself as a target learns nothing that opens another node.
 *
 * <p>Only targets registered before node credentials existed (no salt) still get the old shared
 * tokens: {@code admin_token_ref} names an entry of {@code rtml.deployer.node-tokens}; null means
 * {@code rtml.deployer.default-node-token}. Rotating such a target's credential ends that.
 */
@Component
class NodeTokens {

    private final DeployerProperties properties;
    private final NodeCredentials credentials;

    NodeTokens(DeployerProperties properties, NodeCredentialProperties credentials) {
        this.properties = properties;
        this.credentials = new NodeCredentials(credentials);
    }

    String tokenFor(NodeTarget target) {
        if (target.credentialSalt() != null) {
            if (!credentials.configured()) {
                throw new NodeCallException(target.name() + ": no node credential key configured"
                        + " (rtml.node-credentials.key, RTML_NODE_CREDENTIALS_KEY)");
            }
            return credentials.derive(target.name(), target.credentialSalt());
        }
        String ref = target.adminTokenRef();
        String token = ref == null || ref.isBlank() ? properties.defaultNodeToken() : properties.nodeTokens().get(ref);
        if (token == null || token.isBlank()) {
            throw new NodeCallException(target.name() + ": no admin token configured ("
                    + (ref == null ? "rtml.deployer.default-node-token" : "rtml.deployer.node-tokens." + ref) + ")");
        }
        return token;
    }
}
