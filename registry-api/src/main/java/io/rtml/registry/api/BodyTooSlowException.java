package io.rtml.registry.api;

import java.io.IOException;
import java.time.Duration;

/** A request body that had not arrived in full when the upload time limit ran out. */
final class BodyTooSlowException extends IOException {

    BodyTooSlowException(Duration limit) {
        super("the request body did not arrive within " + limit.toSeconds() + " s (rtml.api.clients.upload-time-limit)");
    }
}
