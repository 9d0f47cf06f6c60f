package io.rtml.registry.api;

import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * A request body that had not arrived in full when the upload time limit ran out. A read timeout to
 * Tomcat, which answers it 408 wherever the read happened (servlet, multipart parser), as it does
 * a client that falls silent.
 */
final class BodyTooSlowException extends SocketTimeoutException {

    BodyTooSlowException(Duration limit) {
        super("the request body did not arrive within " + limit.toSeconds() + " s (rtml.api.clients.upload-time-limit)");
    }
}
