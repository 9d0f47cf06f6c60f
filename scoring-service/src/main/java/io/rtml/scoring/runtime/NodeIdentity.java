package io.rtml.scoring.runtime;

/** Who this node is: reported by server metadata and the admin state listing. */
public record NodeIdentity(String name, String kind, String region) {}
