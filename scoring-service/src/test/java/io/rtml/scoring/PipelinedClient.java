package io.rtml.scoring;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends several HTTP/1.1 requests on one keep-alive connection in a single write (pipelining) and
 * reads the responses in order. Why: the node then reads them all in one event-loop iteration, so
 * the tests can count on them being batched together instead of hoping that threads coincide.
 */
final class PipelinedClient implements AutoCloseable {

    /** One request of a burst: method, path and body (null for none). */
    record Request(String method, String path, String body) {

        static Request post(String path, String body) {
            return new Request("POST", path, body);
        }

        static Request get(String path) {
            return new Request("GET", path, null);
        }
    }

    /** A response as read: status, the Rtml-Model-Version header, the body, the Retry-After header (or null). */
    record Response(int status, String modelVersion, String body, String retryAfter) {}

    private final Socket socket;
    private final InputStream in;

    PipelinedClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(30_000);
        in = new BufferedInputStream(socket.getInputStream());
    }

    List<Response> send(List<Request> requests) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (Request r : requests) {
            byte[] body = r.body() == null ? new byte[0] : r.body().getBytes(StandardCharsets.UTF_8);
            all.writeBytes((r.method() + " " + r.path() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            all.writeBytes(body);
        }
        socket.getOutputStream().write(all.toByteArray());
        socket.getOutputStream().flush();
        List<Response> responses = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            responses.add(read());
        }
        return responses;
    }

    private Response read() throws IOException {
        String status = line();
        int length = 0;
        String version = null;
        String retryAfter = null;
        for (String h = line(); !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            String name = h.substring(0, colon).trim();
            String value = h.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("content-length")) {
                length = Integer.parseInt(value);
            } else if (name.equalsIgnoreCase("rtml-model-version")) {
                version = value;
            } else if (name.equalsIgnoreCase("retry-after")) {
                retryAfter = value;
            }
        }
        byte[] body = in.readNBytes(length);
        if (body.length != length) {
            throw new IOException("connection closed in a body");
        }
        return new Response(Integer.parseInt(status.substring(9, 12)), version, new String(body, StandardCharsets.UTF_8),
                retryAfter);
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
