package io.rtml.deployer.node;

import java.net.URI;

/** A target as the node client needs it: where it is and which admin token it takes. */
public record NodeTarget(long id, String name, String baseUrl, String adminTokenRef) {

    URI uri(String path) {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        return URI.create(base + path);
    }
}
