package io.rtml.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One HTTP/1.1 connection over a raw socket, for clients no HTTP library imitates: one that sends a
 * body a byte at a time, or stops in the middle. Reads what the server answers without blocking for long.
 */
public final class RawConnection implements AutoCloseable {

    private static final Pattern STATUS = Pattern.compile("^HTTP/1\\.1 (\\d{3}) ");

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private boolean closedByServer;

    public RawConnection(int port) {
        try {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(100);
            out = socket.getOutputStream();
            in = socket.getInputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends {@code text}; false once the server has closed the connection. */
    public boolean send(String text) {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    public boolean send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The status of the server's answer once its status line has come, or null if none came within {@code wait}. */
    public synchronized Integer status(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            Matcher m = STATUS.matcher(received());
            if (m.find()) {
                return Integer.valueOf(m.group(1));
            }
            if (closedByServer || System.nanoTime() > deadline) {
                return null;
            }
            readSome();
        }
    }

    /** Whether the server closed the connection within {@code wait}, reading what it sends meanwhile. */
    public synchronized boolean closedWithin(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!closedByServer && System.nanoTime() < deadline) {
            readSome();
        }
        return closedByServer;
    }

    /** Everything the server sent so far. */
    public synchronized String received() {
        return received.toString(StandardCharsets.ISO_8859_1);
    }

    private void readSome() {
        byte[] buffer = new byte[8192];
        try {
            int n = in.read(buffer);
            if (n < 0) {
                closedByServer = true;
            } else {
                received.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException nothingYet) {
            // try again
        } catch (IOException reset) {
            closedByServer = true;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
