package io.rtml.scoring.oip;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.rtml.scoring.http.Json;
import io.rtml.scoring.http.Reply;
import io.rtml.scoring.runtime.OutputValue;
import java.util.List;
import java.util.function.Predicate;
import tools.jackson.core.JsonGenerator;

/**
 * An inference reply in the binary tensor extension's form (Triton's HTTP/REST protocol): the JSON
 * response, in which each binary output has a {@code binary_data_size} parameter instead of
 * {@code data}, followed by those outputs' bytes in output order; the JSON's length goes out as
 * the {@code Inference-Header-Content-Length} header.
 */
final class BinaryReplies {

    private BinaryReplies() {}

    static Reply reply(ByteBufAllocator alloc, String model, String version, String id, List<OutputValue> outputs,
            Predicate<String> binary) {
        ByteBuf blobs = alloc.buffer();
        ByteBuf body = alloc.buffer();
        try {
            int[] sizes = new int[outputs.size()];
            for (int i = 0; i < outputs.size(); i++) {
                OutputValue out = outputs.get(i);
                if (binary.test(out.name())) {
                    int before = blobs.writerIndex();
                    out.writeRaw(blobs);
                    sizes[i] = blobs.writerIndex() - before;
                } else {
                    sizes[i] = -1;
                }
            }
            try (JsonGenerator g = Json.generator(body)) {
                header(g, model, version, id, outputs, sizes);
            }
            int json = body.writerIndex();
            body.writeBytes(blobs);
            return new Reply(HttpResponseStatus.OK, body, version, 0, Reply.BINARY, json);
        } catch (RuntimeException | Error e) {
            body.release();
            throw e;
        } finally {
            blobs.release();
        }
    }

    /** As {@link InferResponseWriter#write}, with {@code binary_data_size} in place of the data where {@code sizes[i] >= 0}. */
    private static void header(JsonGenerator g, String model, String version, String id, List<OutputValue> outputs,
            int[] sizes) {
        g.writeStartObject();
        g.writeStringProperty("model_name", model);
        g.writeStringProperty("model_version", version);
        if (id != null) {
            g.writeStringProperty("id", id);
        }
        g.writeArrayPropertyStart("outputs");
        for (int i = 0; i < outputs.size(); i++) {
            OutputValue out = outputs.get(i);
            g.writeStartObject();
            g.writeStringProperty("name", out.name());
            g.writeStringProperty("datatype", out.datatype().name());
            g.writeArrayPropertyStart("shape");
            for (long d : out.shape()) {
                g.writeNumber(d);
            }
            g.writeEndArray();
            if (out.isZipMap() || sizes[i] >= 0) {
                g.writeObjectPropertyStart("parameters");
                if (out.isZipMap()) {
                    g.writeStringProperty("content_type", "application/json");
                }
                if (sizes[i] >= 0) {
                    g.writeNumberProperty("binary_data_size", sizes[i]);
                }
                g.writeEndObject();
            }
            if (sizes[i] < 0) {
                g.writeArrayPropertyStart("data");
                for (int k = 0, n = out.size(); k < n; k++) {
                    out.writeElement(g, k);
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }
}
