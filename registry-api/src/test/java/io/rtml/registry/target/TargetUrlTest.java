package io.rtml.registry.target;

import static io.rtml.registry.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.registry.RegistryApiTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * Issue 13 item 4: a target's base URL is checked as a URL (TargetUrls) when it is created and
 * when it is changed; a refusal never repeats credentials the URL carried.
 */
class TargetUrlTest extends RegistryApiTest {

    @ParameterizedTest
    @ValueSource(strings = {"http://admin:s3cr3t-pw@127.0.0.1:8090", "http://bad_host:8090", "http://127.0.0.1:99999",
            "http://127.0.0.1:8090/?x=1", "http://127.0.0.1:8090/#frag", "http://127.0.0.1:8090/a|b", "http://:8090",
            "http://127.0.0.1:8090/\u0000"})
    void aBaseUrlThatIsNotAValidHttpUrlIsRefusedOnCreate(String url) {
        String name = uniqueName("t");

        JsonNode problem = assertProblem(api().postJson("/api/v1/targets", Map.of("name", name, "kind", "EDGE",
                "region", "eu", "baseUrl", url)), 400, "VALIDATION_FAILED");

        assertThat(problem.toString()).doesNotContain("s3cr3t-pw").doesNotContain("\u0000");
        assertThat(problem.path("errors").get(0).path("field").asString()).isEqualTo("baseUrl");
        assertProblem(api().get("/api/v1/targets/" + name), 404, "TARGET_NOT_FOUND");
    }

    @Test
    void aBaseUrlIsCheckedWhenChangedToo() {
        String name = uniqueName("t");
        assertThat(api().postJson("/api/v1/targets", Map.of("name", name, "kind", "EDGE", "region", "eu",
                "baseUrl", "https://[::1]:8443/nodes/eu")).status()).isEqualTo(201);

        JsonNode problem = assertProblem(api().patchJson("/api/v1/targets/" + name,
                Map.of("baseUrl", "https://ops:hunter22@[::1]:8443")), 400, "VALIDATION_FAILED");

        assertThat(problem.toString()).doesNotContain("hunter22");
        assertThat(api().get("/api/v1/targets/" + name).json().path("baseUrl").asString())
                .isEqualTo("https://[::1]:8443/nodes/eu");
        assertThat(api().patchJson("/api/v1/targets/" + name, Map.of("baseUrl", "http://127.0.0.2:8091"))
                .status()).isEqualTo(200);
    }
}
