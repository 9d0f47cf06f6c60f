package io.rtml.scoring;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Headers;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A client of the gRPC port that speaks HTTP/2 frames by hand, so a test can do what no gRPC
 * library does: ignore the server's SETTINGS, stop in the middle of a message, ping without pause,
 * or never speak at all. Headers are HPACK-coded with the (shaded) Netty codec gRPC itself uses.
 */
final class RawHttp2 implements AutoCloseable {

    static final int DATA = 0x0;
    static final int HEADERS = 0x1;
    static final int RST_STREAM = 0x3;
    static final int SETTINGS = 0x4;
    static final int PING = 0x6;
    static final int GOAWAY = 0x7;
    static final int WINDOW_UPDATE = 0x8;
    static final int END_STREAM = 0x1;
    static final int END_HEADERS = 0x4;
    static final int ACK = 0x1;

    record Frame(int type, int flags, int stream, byte[] payload) {
        int errorCode() { // RST_STREAM: the code; GOAWAY: after the last stream id
            int at = type == GOAWAY ? 4 : 0;
            return ((payload[at] & 0xff) << 24) | ((payload[at + 1] & 0xff) << 16) | ((payload[at + 2] & 0xff) << 8)
                    | (payload[at + 3] & 0xff);
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final DefaultHttp2HeadersEncoder encoder = new DefaultHttp2HeadersEncoder();
    private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false);
    private final Map<Integer, Long> serverSettings = new java.util.HashMap<>();

    RawHttp2(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(30_000); // a safety net: every test waits for something the server does
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /**
     * The client preface and an empty SETTINGS frame, then the server's side of the handshake: its
     * SETTINGS (acknowledged, so that its stream window applies), its acknowledgement of ours, and
     * the WINDOW_UPDATE that opens the connection's window; as a gRPC client would see them.
     */
    RawHttp2 start() throws IOException {
        out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        frame(SETTINGS, 0, 0, new byte[0]);
        boolean settings = false;
        boolean acked = false;
        boolean window = false;
        while (!(settings && acked && window)) {
            Frame f = read();
            if (f.type() == SETTINGS && (f.flags() & ACK) == 0) {
                for (int at = 0; at + 6 <= f.payload().length; at += 6) {
                    int key = (f.payload()[at] & 0xff) << 8 | (f.payload()[at + 1] & 0xff);
                    long value = ((long) (f.payload()[at + 2] & 0xff) << 24) | ((f.payload()[at + 3] & 0xff) << 16)
                            | ((f.payload()[at + 4] & 0xff) << 8) | (f.payload()[at + 5] & 0xff);
                    serverSettings.put(key, value);
                }
                frame(SETTINGS, ACK, 0, new byte[0]);
                settings = true;
            } else if (f.type() == SETTINGS) {
                acked = true;
            } else if (f.type() == WINDOW_UPDATE && f.stream() == 0) {
                window = true;
            }
        }
        return this;
    }

    void raw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /**
     * One frame in one write: written as two, the header alone could reach a connection the server
     * has just closed, its RST come back, and the payload's write fail with a broken pipe before the
     * test reads the GOAWAY the server sent first.
     */
    void frame(int type, int flags, int stream, byte[] payload) throws IOException {
        byte[] frame = new byte[9 + payload.length];
        frame[0] = (byte) (payload.length >>> 16);
        frame[1] = (byte) (payload.length >>> 8);
        frame[2] = (byte) payload.length;
        frame[3] = (byte) type;
        frame[4] = (byte) flags;
        frame[5] = (byte) (stream >>> 24);
        frame[6] = (byte) (stream >>> 16);
        frame[7] = (byte) (stream >>> 8);
        frame[8] = (byte) stream;
        System.arraycopy(payload, 0, frame, 9, payload.length);
        out.write(frame);
        out.flush();
    }

    /** A POST of the OIP gRPC method {@code method} with {@code extra} metadata, the stream left open. */
    void call(int stream, String method, Map<String, String> extra) throws Exception {
        Http2Headers h = new DefaultHttp2Headers().method("POST").scheme("http").authority("localhost")
                .path("/inference.GRPCInferenceService/" + method).add("content-type", "application/grpc")
                .add("te", "trailers");
        extra.forEach(h::add);
        ByteBuf block = Unpooled.buffer();
        encoder.encodeHeaders(stream, h, block);
        byte[] bytes = new byte[block.readableBytes()];
        block.readBytes(bytes);
        frame(HEADERS, END_HEADERS, stream, bytes);
    }

    /** {@code bytes} of a stream's body, in frames of at most 16 KiB (the default largest frame). */
    void data(int stream, byte[] bytes, int from, int to, boolean end) throws IOException {
        for (int at = from; at < to || (at == from && end); ) {
            int n = Math.min(16_384, to - at);
            byte[] chunk = java.util.Arrays.copyOfRange(bytes, at, at + n);
            at += n;
            frame(DATA, end && at >= to ? END_STREAM : 0, stream, chunk);
            if (n == 0) {
                break;
            }
        }
    }

    /** A gRPC message: the 5-byte prefix (not compressed, length) and the message. */
    static byte[] message(byte[] body) {
        byte[] framed = new byte[body.length + 5];
        framed[1] = (byte) (body.length >>> 24);
        framed[2] = (byte) (body.length >>> 16);
        framed[3] = (byte) (body.length >>> 8);
        framed[4] = (byte) body.length;
        System.arraycopy(body, 0, framed, 5, body.length);
        return framed;
    }

    /** True when bytes from the server are waiting to be read. */
    boolean hasInput() throws IOException {
        return in.available() > 0;
    }

    /** A RST_STREAM frame ending {@code stream} with {@code errorCode} (0x8 = CANCEL). */
    void reset(int stream, int errorCode) throws IOException {
        frame(RST_STREAM, 0, stream, new byte[] {(byte) (errorCode >>> 24), (byte) (errorCode >>> 16),
                (byte) (errorCode >>> 8), (byte) errorCode});
    }

    /** The next frame; throws EOFException when the server closed the connection. */
    Frame read() throws IOException {
        int length = in.readUnsignedByte() << 16 | in.readUnsignedByte() << 8 | in.readUnsignedByte();
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int stream = in.readInt() & 0x7fffffff;
        byte[] payload = new byte[length];
        in.readFully(payload);
        return new Frame(type, flags, stream, payload);
    }

    /** Frames up to the first one {@code stream} ends with (END_STREAM or RST_STREAM), or GOAWAY. */
    Frame end(int stream) throws IOException {
        while (true) {
            Frame f = read();
            if (f.type() == GOAWAY || (f.stream() == stream && (f.type() == RST_STREAM
                    || (f.type() == HEADERS && (f.flags() & END_STREAM) != 0)))) {
                return f;
            }
        }
    }

    Http2Headers headers(Frame f) throws Exception {
        return decoder.decodeHeaders(f.stream(), Unpooled.wrappedBuffer(f.payload()));
    }

    /** True when the server closes the connection before sending anything more than frames. */
    boolean closedByServer() throws IOException {
        try {
            while (true) {
                read();
            }
        } catch (EOFException closed) {
            return true;
        }
    }

    /** The value of a setting in the server's SETTINGS frame (after {@link #start}), or -1. */
    long serverSetting(int id) {
        return serverSettings.getOrDefault(id, -1L);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
