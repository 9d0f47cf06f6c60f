package io.rtml.registry.gallery;

/** Optional gallery filters: the bound model, a target or a region where the service runs. */
public record GalleryFilter(String model, String target, String region) {}
