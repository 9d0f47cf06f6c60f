package io.rtml.scoring.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.function.Consumer;
import tools.jackson.core.JsonGenerator;

/**
 * A finished response: status, a JSON body already serialised into a pooled buffer, and the model
 * version that served it (null when no model was involved), sent as {@code Rtml-Model-Version};
 * {@code retryAfterSeconds}, when above 0, is sent as {@code Retry-After}; the body is JSON
 * unless {@code contentType} says otherwise (the Prometheus exposition, an inference reply with
 * binary outputs); {@code jsonHeaderBytes}, when above 0, is the length of the JSON that starts
 * such a binary reply, sent as {@code Inference-Header-Content-Length}.
 */
public record Reply(HttpResponseStatus status, ByteBuf body, String modelVersion, int retryAfterSeconds,
        String contentType, int jsonHeaderBytes) implements Answer {

    public static final String JSON = "application/json";
    /** The content type of a reply with binary tensors after its JSON header. */
    public static final String BINARY = "application/octet-stream";

    public Reply(HttpResponseStatus status, ByteBuf body, String modelVersion, int retryAfterSeconds,
            String contentType) {
        this(status, body, modelVersion, retryAfterSeconds, contentType, 0);
    }

    public Reply(HttpResponseStatus status, ByteBuf body, String modelVersion, int retryAfterSeconds) {
        this(status, body, modelVersion, retryAfterSeconds, JSON);
    }

    public Reply(HttpResponseStatus status, ByteBuf body, String modelVersion) {
        this(status, body, modelVersion, 0);
    }

    public static Reply json(ByteBufAllocator alloc, HttpResponseStatus status, String modelVersion,
            Consumer<JsonGenerator> writer) {
        ByteBuf buf = alloc.buffer();
        try (JsonGenerator g = Json.generator(buf)) {
            writer.accept(g);
        } catch (RuntimeException | Error e) {
            buf.release();
            throw e;
        }
        return new Reply(status, buf, modelVersion);
    }

    public static Reply ok(ByteBufAllocator alloc, Consumer<JsonGenerator> writer) {
        return json(alloc, HttpResponseStatus.OK, null, writer);
    }

    public static Reply error(ByteBufAllocator alloc, int status, String message, String modelVersion) {
        return json(alloc, HttpResponseStatus.valueOf(status), modelVersion, g -> {
            g.writeStartObject();
            g.writeStringProperty("error", message == null ? "internal error" : message);
            g.writeEndObject();
        });
    }

    /** 503 with {@code Retry-After}: the node cannot take the request now, and says when to try again. */
    public static Reply busy(ByteBufAllocator alloc, String message, String modelVersion, int retryAfterSeconds) {
        Reply error = error(alloc, 503, message, modelVersion);
        return new Reply(error.status(), error.body(), modelVersion, retryAfterSeconds);
    }
}
