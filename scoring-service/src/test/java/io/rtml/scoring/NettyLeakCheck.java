package io.rtml.scoring;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty's leak detector reported a buffer that was never released while it
 * ran. Registered for every test class (META-INF/services, autodetection on in
 * junit-platform.properties); surefire runs the suite with {@code io.netty.leakDetection.level=paranoid},
 * so every buffer is tracked. Netty finds a leak only when the buffer has been garbage-collected
 * and the next buffer is allocated, so after each class it collects garbage and allocates a few.
 */
public final class NettyLeakCheck implements AfterAllCallback {

    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    static {
        ByteBufUtil.setLeakListener((type, records) -> LEAKS.add(type + " " + records));
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        for (int i = 0; i < 3 && LEAKS.isEmpty(); i++) {
            System.gc();
            Thread.sleep(50);
            for (int k = 0; k < 8; k++) {
                ByteBufAllocator.DEFAULT.directBuffer(16).release();
                ByteBufAllocator.DEFAULT.heapBuffer(16).release();
            }
        }
        if (!LEAKS.isEmpty()) {
            List<String> found = List.copyOf(LEAKS);
            LEAKS.clear();
            throw new AssertionError("Netty reported " + found.size() + " leaked buffer(s) during or before "
                    + context.getDisplayName() + ":\n" + String.join("\n", found));
        }
    }
}
