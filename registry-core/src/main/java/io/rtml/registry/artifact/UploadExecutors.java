package io.rtml.registry.artifact;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/** The threads of uploads in flight, as Spring-managed pools that end with the application. */
@Configuration(proxyBeanMethods = false)
class UploadExecutors {

    /** S3 part requests: a small fixed pool; what waits in its queue holds a part buffer, so it is bounded by {@link PartUploads}. */
    @Bean
    ThreadPoolTaskExecutor artifactPartExecutor(UploadProperties properties) {
        ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
        executor.setThreadNamePrefix("artifact-part-");
        executor.setCorePoolSize(properties.partThreads());
        executor.setMaxPoolSize(properties.partThreads());
        executor.setDaemon(true);
        return executor;
    }

    /**
     * The hashing thread of each upload in flight ({@link Sha256Pipeline}) and the deletion of spool
     * files: a thread per upload at most, so bounded by the web server's threads and upload slots; no
     * queue, as a hashing task waiting behind another would stall its upload.
     */
    @Bean
    ThreadPoolTaskExecutor artifactUploadExecutor() {
        ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
        executor.setThreadNamePrefix("artifact-upload-");
        executor.setCorePoolSize(0);
        executor.setQueueCapacity(0);
        executor.setDaemon(true);
        return executor;
    }
}
