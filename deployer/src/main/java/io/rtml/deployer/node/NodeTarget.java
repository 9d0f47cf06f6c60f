package io.rtml.deployer.node;

import java.net.URI;
import java.net.URISyntaxException;

/** A target as the node client needs it: where it is and which admin token it takes. */
public record NodeTarget(long id, String name, String baseUrl, String adminTokenRef) {

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
