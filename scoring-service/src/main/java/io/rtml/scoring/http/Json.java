package io.rtml.scoring.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.JsonRecyclerPools;

/** Jackson streaming straight from and to Netty buffers: the hot path never builds a String of the body. */
public final class Json {

    /**
     * Thread-local buffer recycling: requests run on a fixed set of event-loop threads, and the
     * default concurrent-deque pool showed up in profiles as contention between them.
     */
    public static final JsonFactory FACTORY = JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.threadLocalPool())
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER) // shortest round-trip form, faster than Float.toString
            .build();

    private Json() {}

    public static JsonParser parser(ByteBuf body) {
        if (body.hasArray()) {
            return FACTORY.createParser(ObjectReadContext.empty(), body.array(),
                    body.arrayOffset() + body.readerIndex(), body.readableBytes());
        }
        return FACTORY.createParser(ObjectReadContext.empty(), (InputStream) new ByteBufInputStream(body));
    }

    public static JsonGenerator generator(ByteBuf out) {
        return FACTORY.createGenerator(ObjectWriteContext.empty(), (OutputStream) new ByteBufOutputStream(out));
    }

    /** Moves to the first token and insists on an object, the shape of every request body here. */
    public static void expectObject(JsonParser p, String what) {
        JsonToken t = p.nextToken();
        if (t != JsonToken.START_OBJECT) {
            throw ApiException.badRequest(what + " must be a JSON object");
        }
    }

    /** Reads the value at the current token as a string field, or rejects it. */
    public static String string(JsonParser p, String field) {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw ApiException.badRequest("'" + field + "' must be a string");
        }
        return p.getString();
    }

    public static void expect(JsonParser p, JsonToken token, String what) {
        if (p.nextToken() != token) {
            throw ApiException.badRequest(what);
        }
    }
}
