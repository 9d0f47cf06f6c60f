package io.rtml.scoring.oip;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.rtml.scoring.http.Json;
import io.rtml.scoring.runtime.Datatype;
import io.rtml.scoring.runtime.Signature;
import io.rtml.scoring.runtime.TensorBudget;
import io.rtml.scoring.runtime.TensorSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JsonParser;

/** What the reader allocates is bounded by the body, whatever shapes the body declares. */
class InferRequestReaderTest {

    /** Netty's unpooled allocator behind a count of the bytes of every direct buffer it is asked for. */
    static final class CountingAllocator extends AbstractByteBufAllocator {
        long requested;

        CountingAllocator() {
            super(true);
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            requested += initialCapacity;
            return UnpooledByteBufAllocator.DEFAULT.directBuffer(initialCapacity, maxCapacity);
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            return UnpooledByteBufAllocator.DEFAULT.heapBuffer(initialCapacity, maxCapacity);
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }
    }

    @Test
    void declaredShapesDoNotSizeTheBuffers() {
        StringBuilder body = new StringBuilder("{\"inputs\":[");
        for (int i = 0; i < 40; i++) {
            body.append(i == 0 ? "" : ",").append("{\"name\":\"x").append(i)
                    .append("\",\"datatype\":\"FP64\",\"shape\":[1048576],\"data\":[1]}");
        }
        ByteBuf bytes = Unpooled.copiedBuffer(body.append("]}"), StandardCharsets.UTF_8);
        CountingAllocator alloc = new CountingAllocator();
        Signature signature = new Signature(List.of(TensorSpec.tensor("x0", Datatype.FP64, new long[] {-1})),
                List.of(), List.of());
        try (JsonParser p = Json.parser(bytes)) {
            InferRequest request = InferRequestReader.read(p, signature, alloc, bytes.readableBytes(),
                    new TensorBudget(Long.MAX_VALUE - 1));
            assertThat(request.inputs()).hasSize(40);
            request.close();
        } finally {
            bytes.release();
        }
        // 40 buffers of 8 MiB before; now each is bounded by what the 2.5 KB body can hold.
        assertThat(alloc.requested).as("direct bytes requested for a %d-byte body", body.length())
                .isLessThan(40L * 8 * body.length());
        assertThat(alloc.requested).isLessThan(1 << 20);
    }
}
