package io.rtml.registry.model;

import io.rtml.registry.access.Actor;

/**
 * An alias now points at another version (or exists now), published inside the transaction of the move
 * so that what reacts to it (services that follow the alias) commits with it.
 */
public record AliasMoved(long modelId, String model, String alias, int version, Actor movedBy) {}
