package io.rtml.registry.api;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the REST API.
 *
 * @param defaultPageSize items per page when a request names none
 * @param maxPageSize largest pageSize a request may ask for
 * @param maxJsonBody largest body of a request that is not an artifact upload
 */
@ConfigurationProperties("rtml.api")
public record ApiProperties(@DefaultValue("50") int defaultPageSize, @DefaultValue("500") int maxPageSize,
        @DefaultValue("1MB") DataSize maxJsonBody) {}
