package io.rtml.registry.api;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What a slow or greedy client may hold of the server's worker threads.
 *
 * @param readTimeout longest wait for the next bytes of a request, headers or body; a client that
 *     sends nothing for that long is disconnected
 * @param uploadTimeLimit longest time a request body may take to arrive, however steadily it trickles
 *     in (an hour carries 2GB at 5 Mbit/s); a slower body is answered 408 and its connection closed
 * @param uploadsPerToken uploads one token may have in flight at once; one more is answered 429
 *     before its body is read
 */
@ConfigurationProperties("rtml.api.clients")
public record ClientLimits(@DefaultValue("20s") Duration readTimeout, @DefaultValue("1h") Duration uploadTimeLimit,
        @DefaultValue("4") int uploadsPerToken) {

    public ClientLimits {
        if (uploadsPerToken < 1) {
            throw new IllegalArgumentException("rtml.api.clients.uploads-per-token must be at least 1");
        }
    }
}
