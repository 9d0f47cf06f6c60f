package io.rtml.deployer.node;

import io.rtml.deployer.DeployerProperties;
import io.rtml.deployment.NodeCredentialProperties;
import io.rtml.deployment.NodeCredentials;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The secret a target's node is shown: its own node credential, derived from
 * {@code rtml.node-credentials.key} and the salt stored with the target (read for every call, so a
 * rotation counts at once). Each target gets only its own, so a host that registers itself as a
 * target learns nothing that opens another node.
 *
 * <p>Only targets registered before node credentials existed (no salt) still get the old shared
 * tokens: {@code admin_token_ref} names an entry of {@code rtml.deployer.node-tokens}; null means
 * {@code rtml.deployer.default-node-token}. Rotating such a target's credential ends that.
 */
@Component
class NodeTokens {

    private final DeployerProperties properties;
    private final NodeCredentials credentials;
    private final JdbcTemplate jdbc;

    NodeTokens(DeployerProperties properties, NodeCredentialProperties credentials, JdbcTemplate jdbc) {
        this.properties = properties;
        this.credentials = new NodeCredentials(credentials);
        this.jdbc = jdbc;
    }

    String tokenFor(NodeTarget target) {
        List<String> salt = jdbc.queryForList("SELECT node_credential_salt FROM target WHERE id = ?", String.class,
                target.id());
        if (salt.isEmpty()) {
            throw new NodeCallException(target.name() + ": the target is no longer registered");
        }
        if (salt.get(0) != null) {
            if (!credentials.configured()) {
                throw new NodeCallException(target.name() + ": no node credential key configured"
                        + " (rtml.node-credentials.key, RTML_NODE_CREDENTIALS_KEY)");
            }
            return credentials.derive(target.name(), salt.get(0));
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
