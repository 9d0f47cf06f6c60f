package io.rtml.deployment;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The control plane's node-credential key ({@code rtml.node-credentials.key},
 * {@code RTML_NODE_CREDENTIALS_KEY}), set alike on the registry and every deployer and kept out
 * of the database. Each target's node credential is derived from it (see {@link NodeCredentials}),
 * so the database holds only a salt and a hash, and a deployer can still show each node its own
 * credential. Unset: targets cannot be registered (the registry says so); targets registered
 * before node credentials existed keep using the deployer's node tokens until rotated.
 *
 * @param key at least 32 characters of secret
 */
@ConfigurationProperties("rtml.node-credentials")
public record NodeCredentialProperties(String key) {

    static final int MIN_KEY_LENGTH = 32;

    public NodeCredentialProperties {
        key = key == null || key.isBlank() ? null : key.strip();
        if (key != null && key.length() < MIN_KEY_LENGTH) {
            throw new IllegalArgumentException("rtml.node-credentials.key (RTML_NODE_CREDENTIALS_KEY) must have at least "
                    + MIN_KEY_LENGTH + " characters");
        }
    }

    @Override
    public String toString() {
        return "NodeCredentialProperties[key=" + (key == null ? "unset" : "set") + "]";
    }
}
