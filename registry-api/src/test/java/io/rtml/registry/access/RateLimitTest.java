package io.rtml.registry.access;

import static io.rtml.registry.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.registry.RegistryApiTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

@TestPropertySource(properties = "rtml.security.mutations-per-minute=5")
class RateLimitTest extends RegistryApiTest {

    @Test
    void changesBeyondTheLimitGet429WithRetryAfterWhileReadsGoOn() {
        for (int i = 0; i < 5; i++) {
            assertThat(api().postJson("/api/v1/models", Map.of("name", uniqueName("burst"))).status()).isEqualTo(201);
        }
        var limited = api().postJson("/api/v1/models", Map.of("name", uniqueName("burst")));

        assertProblem(limited, 429, "TOO_MANY_REQUESTS");
        assertThat(Integer.parseInt(limited.header("Retry-After"))).isBetween(1, 60);
        assertThat(api().get("/api/v1/models").status()).isEqualTo(200);
    }

    @Test
    void repeatedFailedLoginsFromOneAddressAreThrottled() {
        int status = 0;
        for (int i = 0; i < 10 && status != 429; i++) {
            status = anonymous().get("/api/v1/models").status();
        }
        assertThat(status).isEqualTo(429);
    }
}
