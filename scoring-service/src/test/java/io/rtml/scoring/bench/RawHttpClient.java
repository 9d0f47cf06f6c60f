package io.rtml.scoring.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal HTTP/1.1 keep-alive client on a raw socket: writes one pre-built request, reads the
 * status line, headers and a Content-Length body. It does nothing else, so its own cost stays in
 * the low microseconds and the latency measured is the server's plus the loopback's.
 */
final class RawHttpClient implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final byte[] request;
    private byte[] body = new byte[64 * 1024];
    private int lastLength;

    RawHttpClient(int port, String method, String path, byte[] payload) throws IOException {
        this(port, method, path, payload, "");
    }

    /** @param extraHeaders more header lines, each ending in {@code \r\n} (the binary tensor extension's) */
    RawHttpClient(int port, String method, String path, byte[] payload, String extraHeaders) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setTcpNoDelay(true);
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + extraHeaders + "Content-Length: " + payload.length + "\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        request = new byte[h.length + payload.length];
        System.arraycopy(h, 0, request, 0, h.length);
        System.arraycopy(payload, 0, request, h.length, payload.length);
    }

    /** Sends the request once and reads the whole response; returns the HTTP status. */
    int call() throws IOException {
        out.write(request);
        out.flush();
        int status = 0;
        int contentLength = 0;
        StringBuilder line = new StringBuilder(64);
        boolean first = true;
        while (true) {
            line.setLength(0);
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) {
                    throw new IOException("connection closed");
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            if (line.length() == 0) {
                break;
            }
            if (first) {
                status = Integer.parseInt(line.substring(9, 12));
                first = false;
            } else if (line.length() > 15 && line.substring(0, 15).equalsIgnoreCase("content-length:")) {
                contentLength = Integer.parseInt(line.substring(15).trim());
            }
        }
        if (contentLength > body.length) {
            body = new byte[contentLength];
        }
        int read = 0;
        while (read < contentLength) {
            int n = in.read(body, read, contentLength - read);
            if (n < 0) {
                throw new IOException("connection closed in body");
            }
            read += n;
        }
        lastLength = contentLength;
        return status;
    }

    /** The body length of the last response. */
    int lastLength() {
        return lastLength;
    }

    String lastBody(int max) {
        return new String(body, 0, Math.min(max, body.length), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
