package io.rtml.registry.api;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the REST API.
 *
 * @param defaultPageSize items per page when a request names none (default 50)
 * @param maxPageSize largest pageSize a request may ask for (default 500)
 */
@ConfigurationProperties("rtml.api")
public record ApiProperties(Integer defaultPageSize, Integer maxPageSize) {

    public ApiProperties {
        defaultPageSize = defaultPageSize == null ? 50 : defaultPageSize;
        maxPageSize = maxPageSize == null ? 500 : maxPageSize;
    }
}
