package io.rtml.deployer.node;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * A target as the node client needs it: where it is and which admin token it takes, read from its
 * row in one query with the others of a fan-out (a deployment attempt, a probe or telemetry round).
 * {@code credentialSalt} is the salt its node credential is derived from ({@link NodeTokens}); null
 * for a target registered before node credentials, which takes a token by {@code adminTokenRef}.
 * Read with the URL, so a credential is only ever sent to the URL it was issued with.
 */
public record NodeTarget(long id, String name, String baseUrl, String adminTokenRef, String credentialSalt) {

    /** The columns of {@code target} a {@link NodeTarget} is read from, for the queries that read them. */
    public static final String COLUMNS = "id, name, base_url, admin_token_ref, node_credential_salt";

    /** Without the salt: it is no secret without the key, but logs have no use for it. */
    @Override
    public String toString() {
        return "NodeTarget[id=" + id + ", name=" + name + ", baseUrl=" + baseUrl + ", adminTokenRef=" + adminTokenRef
                + "]";
    }

    /** The target of the current row of a query that selected {@link #COLUMNS}. */
    public static NodeTarget from(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new NodeTarget(rs.getLong("id"), rs.getString("name"), rs.getString("base_url"),
                rs.getString("admin_token_ref"), rs.getString("node_credential_salt"));
    }

    /**
     * The URL of {@code path} on this node. A base URL that is not one (a row an older registry
     * stored, or one written into the database by hand) fails this target's call with a readable
     * line, never the caller's loop over all targets; the URL itself is not repeated, it may hold
     * credentials.
     */
    URI uri(String path) {
        String base = baseUrl == null ? "" : baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        try {
            URI uri = new URI(base + path);
            if (uri.getHost() == null || !("http".equalsIgnoreCase(uri.getScheme())
                    || "https".equalsIgnoreCase(uri.getScheme()))) {
                throw new URISyntaxException(base, "not an http(s) URL with a host");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new NodeCallException(name + ": the target's base URL is not a valid http(s) URL; fix it with"
                    + " PATCH /api/v1/targets/" + name);
        }
    }
}
