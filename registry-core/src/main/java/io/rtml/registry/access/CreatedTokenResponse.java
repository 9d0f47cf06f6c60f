package io.rtml.registry.access;

/** The answer to a token creation: the only time the secret is ever shown. */
public record CreatedTokenResponse(TokenResponse token, String secret) {}
