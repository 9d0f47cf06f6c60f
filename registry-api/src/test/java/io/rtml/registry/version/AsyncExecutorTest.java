package io.rtml.registry.version;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.registry.RegistryApiTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * Artifact downloads stream on Spring MVC's async executor. Spring Boot creates that pool only when the
 * application defines no {@code Executor} bean of its own, else MVC falls back to a thread per request.
 */
class AsyncExecutorTest extends RegistryApiTest {

    @Autowired
    ApplicationContext context;

    @Test
    void downloadsStreamOnSpringBootsTaskExecutor() {
        assertThat(context.getBean("applicationTaskExecutor")).isInstanceOf(ThreadPoolTaskExecutor.class);
    }
}
