package io.rtml.registry.version;

import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import io.rtml.registry.access.Actor;
import io.rtml.registry.api.ClientLimits;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.springframework.stereotype.Component;

/**
 * Caps the uploads one token has in flight ({@code rtml.api.clients.uploads-per-token}): an upload
 * holds a worker thread as long as its body takes to arrive, so without a cap one token sending
 * slowly could hold them all.
 */
@Component
class UploadSlots {

    private final int perToken;
    private final ConcurrentMap<String, Integer> inFlight = new ConcurrentHashMap<>();

    UploadSlots(ClientLimits limits) {
        this.perToken = limits.uploadsPerToken();
    }

    /** Takes a slot for {@code actor}'s token, or refuses with 429; close the slot when the upload ends. */
    Slot take(Actor actor) {
        String token = actor.name();
        if (inFlight.merge(token, 1, Integer::sum) > perToken) {
            release(token);
            throw new RtmlException(ErrorCode.TOO_MANY_REQUESTS, "this token already has " + perToken
                    + " uploads in flight (rtml.api.clients.uploads-per-token); retry when one has finished");
        }
        return () -> release(token);
    }

    private void release(String token) {
        inFlight.computeIfPresent(token, (k, n) -> n == 1 ? null : n - 1);
    }

    /** An upload's slot. */
    interface Slot extends AutoCloseable {
        @Override
        void close();
    }
}
