package io.rtml.registry.api;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * What a slow or greedy client may hold of the server's worker threads.
 *
 * @param readTimeout longest wait for the next bytes of a request, headers or body (default 20s);
 *     a client that sends nothing for that long is disconnected
 * @param uploadTimeLimit longest time a request body may take to arrive, however steadily it trickles
 *     in (default 1h: 2GB at 5 Mbit/s); a slower body is answered 408 and its connection closed
 * @param uploadsPerToken uploads one token may have in flight at once (default 4); one more is
 *     answered 429 before its body is read
 */
@ConfigurationProperties("rtml.api.clients")
public record ClientLimits(Duration readTimeout, Duration uploadTimeLimit, Integer uploadsPerToken) {

    public ClientLimits {
        readTimeout = readTimeout == null ? Duration.ofSeconds(20) : readTimeout;
        uploadTimeLimit = uploadTimeLimit == null ? Duration.ofHours(1) : uploadTimeLimit;
        uploadsPerToken = uploadsPerToken == null ? 4 : uploadsPerToken;
        if (uploadsPerToken < 1) {
            throw new IllegalArgumentException("rtml.api.clients.uploads-per-token must be at least 1");
        }
    }
}
