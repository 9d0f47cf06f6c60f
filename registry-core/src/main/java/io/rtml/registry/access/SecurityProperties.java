package io.rtml.registry.access;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Access-control settings.
 *
 * @param bootstrapAdminToken an admin token secret (at least 24 characters) that is created if it
 *     does not exist yet; without it, the first start creates a random admin token and prints it
 *     once. Nothing has a default password.
 * @param mutationsPerMinute how many changing requests one token may make per minute; more get 429
 *     with Retry-After
 */
@ConfigurationProperties("rtml.security")
public record SecurityProperties(String bootstrapAdminToken, @DefaultValue("600") int mutationsPerMinute) {}
