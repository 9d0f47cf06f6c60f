package io.rtml.registry.model;

/** An alias and the version it points at. */
public record AliasResponse(String model, String alias, int version) {}
