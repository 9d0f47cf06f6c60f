package io.rtml.registry.api;

import jakarta.servlet.ServletException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;
import org.apache.coyote.InputBuffer;
import org.apache.tomcat.util.net.ApplicationBufferHandler;

/**
 * Two rules for every request body, enforced where Tomcat reads it, so that they hold for the
 * servlet's own reads, the multipart parser's and Tomcat's:
 *
 * <ul>
 *   <li>A body must arrive within the upload time limit: a read after that fails with
 *       {@link BodyTooSlowException} (answered 408), however steadily the bytes trickle in.
 *   <li>A body the answer did not read (a refusal before the upload was read, a GET with a body) is
 *       not read afterwards either: the connection is closed instead. Tomcat would otherwise "swallow"
 *       up to {@code max-swallow-size} of it on the worker thread, and a client sending one byte a
 *       second holds that thread for weeks.
 * </ul>
 */
final class RequestBodyValve extends ValveBase {

    private final long limitNanos;

    RequestBodyValve(Duration uploadTimeLimit) {
        super(true);
        this.limitNanos = uploadTimeLimit.toNanos();
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        org.apache.coyote.Request coyote = request.getCoyoteRequest();
        InputBuffer tomcats = coyote.getInputBuffer();
        coyote.setInputBuffer(new Deadline(tomcats, System.nanoTime() + limitNanos, limitNanos));
        try {
            getNext().invoke(request, response);
        } finally {
            coyote.setInputBuffer(tomcats); // the connection's next request starts its own deadline
            AtomicBoolean fullyRead = new AtomicBoolean(true);
            coyote.action(ActionCode.REQUEST_BODY_FULLY_READ, fullyRead);
            if (!fullyRead.get()) {
                if (!response.isCommitted()) {
                    response.setHeader("Connection", "close");
                }
                // Also marks the connection to be closed once the answer is sent.
                coyote.action(ActionCode.DISABLE_SWALLOW_INPUT, null);
            }
        }
    }

    /** Tomcat's body reader with a deadline. */
    private record Deadline(InputBuffer in, long deadline, long limitNanos) implements InputBuffer {

        @Override
        public int doRead(ApplicationBufferHandler handler) throws IOException {
            if (System.nanoTime() - deadline > 0) {
                throw new BodyTooSlowException(Duration.ofNanos(limitNanos));
            }
            return in.doRead(handler);
        }

        @Override
        public int available() {
            return in.available();
        }
    }
}
