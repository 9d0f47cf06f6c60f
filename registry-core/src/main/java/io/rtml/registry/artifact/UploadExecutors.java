package io.rtml.registry.artifact;

import java.util.concurrent.Executor;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.task.TaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.stereotype.Component;

/**
 * The threads of uploads in flight. The pools are not beans: an {@code Executor} bean would switch off
 * Spring Boot's {@code applicationTaskExecutor} (MVC async, artifact downloads), and an executor bean
 * stops taking tasks at {@code ContextClosedEvent}, before the web server's graceful shutdown has let
 * the uploads in flight finish. These stop when the context is destroyed, after the web server.
 */
@Component
class UploadExecutors implements DisposableBean {

    /** How long shutdown waits for the part requests in flight, so that their uploads can still complete. */
    private static final int PART_DRAIN_SECONDS = 60;

    private final ThreadPoolTaskExecutor parts;
    private final ThreadPoolTaskExecutor background;

    UploadExecutors(UploadProperties properties) {
        parts = new ThreadPoolTaskExecutor();
        parts.setThreadNamePrefix("artifact-part-");
        parts.setCorePoolSize(properties.partThreads());
        parts.setMaxPoolSize(properties.partThreads());
        parts.setWaitForTasksToCompleteOnShutdown(true);
        parts.setAwaitTerminationSeconds(PART_DRAIN_SECONDS);
        parts.setDaemon(true);
        parts.initialize();

        // A thread per upload at most, so bounded by the web server's threads and upload slots; no
        // queue, as a hashing task waiting behind another would stall its upload.
        background = new ThreadPoolTaskExecutor();
        background.setThreadNamePrefix("artifact-upload-");
        background.setCorePoolSize(0);
        background.setQueueCapacity(0);
        background.setDaemon(true);
        background.initialize();
    }

    /** S3 part requests: a small fixed pool; what waits in its queue holds a part buffer, so it is bounded by {@link PartUploads}. */
    TaskExecutor parts() {
        return parts;
    }

    /** The hashing thread of each upload in flight ({@link Sha256Pipeline}) and the deletion of spool files. */
    Executor background() {
        return background;
    }

    @Override
    public void destroy() {
        parts.shutdown();
        background.shutdown();
    }
}
