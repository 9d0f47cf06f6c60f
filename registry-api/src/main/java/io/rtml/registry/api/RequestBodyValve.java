package io.rtml.registry.api;

import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
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
 *
 * <p>A connection closed after an answer must say so in that answer ({@code Connection: close}):
 * a keep-alive client would otherwise send its next request on it and get nothing back. The header
 * has to be set before the answer is committed, and Spring MVC commits (flushes) its answers before
 * this valve sees them again, so the decision is taken when the answer starts: an answer begun while
 * the body is still unread closes the connection, since nothing reads a body after answering.
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
        response.setResponse(new ClosingIfBodyUnread(response.getResponse(), coyote));
        try {
            getNext().invoke(request, response);
        } finally {
            coyote.setInputBuffer(tomcats); // the connection's next request starts its own deadline
            if (!fullyRead(coyote)) {
                if (!response.isCommitted()) {
                    response.setHeader("Connection", "close");
                }
                // Also marks the connection to be closed once the answer is sent.
                coyote.action(ActionCode.DISABLE_SWALLOW_INPUT, null);
            }
        }
    }

    private static boolean fullyRead(org.apache.coyote.Request coyote) {
        AtomicBoolean fullyRead = new AtomicBoolean(true);
        coyote.action(ActionCode.REQUEST_BODY_FULLY_READ, fullyRead);
        return fullyRead.get();
    }

    /** Adds {@code Connection: close} to an answer that starts while the request body is unread. */
    private static final class ClosingIfBodyUnread extends HttpServletResponseWrapper {

        private final org.apache.coyote.Request coyote;

        ClosingIfBodyUnread(HttpServletResponse response, org.apache.coyote.Request coyote) {
            super(response);
            this.coyote = coyote;
        }

        private void answering() {
            if (!isCommitted() && !fullyRead(coyote)) {
                setHeader("Connection", "close");
            }
        }

        @Override
        public ServletOutputStream getOutputStream() throws IOException {
            answering();
            return super.getOutputStream();
        }

        @Override
        public PrintWriter getWriter() throws IOException {
            answering();
            return super.getWriter();
        }

        @Override
        public void flushBuffer() throws IOException {
            answering();
            super.flushBuffer();
        }

        @Override
        public void sendError(int sc, String msg) throws IOException {
            answering();
            super.sendError(sc, msg);
        }

        @Override
        public void sendError(int sc) throws IOException {
            answering();
            super.sendError(sc);
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
