package io.rtml.registry.api;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the REST API.
 *
 * @param defaultPageSize items per page when a request names none (default 50)
 * @param maxPageSize largest pageSize a request may ask for (default 500)
 * @param maxJsonBody largest body of a request that is not an artifact upload (default 1MB)
 */
@ConfigurationProperties("rtml.api")
public record ApiProperties(Integer defaultPageSize, Integer maxPageSize, DataSize maxJsonBody) {

    public ApiProperties {
        defaultPageSize = defaultPageSize == null ? 50 : defaultPageSize;
        maxPageSize = maxPageSize == null ? 500 : maxPageSize;
        maxJsonBody = maxJsonBody == null ? DataSize.ofMegabytes(1) : maxJsonBody;
    }
}
