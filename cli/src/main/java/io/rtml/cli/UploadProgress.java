package io.rtml.cli;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Upload progress on stderr: on a terminal a bar redrawn in place with bytes/s and ETA; elsewhere
 * (logs, CI, pipes) a plain line at each quarter, so nothing is full of carriage returns.
 */
final class UploadProgress {

    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int BAR = 30;

    private final PrintWriter err;
    private final boolean terminal;
    private final String label;
    private final long total;
    private final long started = System.nanoTime();
    private long sent;
    private long lastDraw;
    private int lastQuarter;

    UploadProgress(PrintWriter err, boolean terminal, String label, long total) {
        this.err = err;
        this.terminal = terminal;
        this.label = label;
        this.total = total;
    }

    /** Counts what the HTTP client reads from {@code in}. */
    InputStream track(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    advance(1);
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int off, int len) throws IOException {
                int n = super.read(buffer, off, len);
                if (n > 0) {
                    advance(n);
                }
                return n;
            }
        };
    }

    synchronized void advance(long bytes) {
        sent += bytes;
        if (terminal) {
            long now = System.nanoTime();
            if (now - lastDraw >= REDRAW_NANOS || sent >= total) {
                lastDraw = now;
                err.print("\r" + bar());
                err.flush();
            }
        } else {
            int quarter = total == 0 ? 4 : (int) (sent * 4 / total);
            if (quarter > lastQuarter && quarter < 4) {
                lastQuarter = quarter;
                err.println(label + ": " + quarter * 25 + "% (" + Table.bytes(sent) + " of " + Table.bytes(total) + ")");
                err.flush();
            }
        }
    }

    void start() {
        if (!terminal) {
            err.println(label + ": uploading " + Table.bytes(total));
            err.flush();
        }
    }

    /** After the bytes went out: the registry still hashes and inspects the model before it answers. */
    synchronized void sent() {
        double seconds = Math.max((System.nanoTime() - started) / 1e9, 1e-3);
        String line = label + ": sent " + Table.bytes(sent) + " in " + String.format(Locale.ROOT, "%.1fs", seconds)
                + " (" + Table.bytes((long) (sent / seconds)) + "/s)";
        err.println(terminal ? "\r" + line + " ".repeat(Math.max(0, bar().length() - line.length())) : line);
        err.flush();
    }

    private String bar() {
        double seconds = Math.max((System.nanoTime() - started) / 1e9, 1e-3);
        double rate = sent / seconds;
        int percent = total == 0 ? 100 : (int) (sent * 100 / total);
        int filled = BAR * percent / 100;
        String eta = rate > 0 && sent < total ? Table.clock((long) ((total - sent) / rate)) : "0:00";
        return label + " [" + "=".repeat(filled) + (filled < BAR ? ">" + " ".repeat(BAR - filled - 1) : "") + "] "
                + String.format(Locale.ROOT, "%3d%%", percent) + "  " + Table.bytes(sent) + " / " + Table.bytes(total)
                + "  " + Table.bytes((long) rate) + "/s  ETA " + eta;
    }
}
