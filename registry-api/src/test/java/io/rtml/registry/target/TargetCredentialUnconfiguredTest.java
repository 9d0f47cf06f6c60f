package io.rtml.registry.target;

import static io.rtml.registry.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.deployment.NodeCredentialProperties;
import io.rtml.registry.RegistryApiTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * A registry without a node-credential key (as RTML_NODE_CREDENTIALS_KEY= binds) cannot give a new
 * target its credential, so it refuses to register one and says which setting is missing. Its own
 * application context: the others have the key.
 */
class TargetCredentialUnconfiguredTest extends RegistryApiTest {

    /**
     * The key as a blank RTML_NODE_CREDENTIALS_KEY binds it. A bean, not a property: the base
     * class's dynamic property for the key outranks every property a subclass can set.
     */
    @TestConfiguration
    static class KeyUnset {

        @Bean
        @Primary
        NodeCredentialProperties unsetNodeCredentials() {
            return new NodeCredentialProperties(" ");
        }
    }

    @Test
    void registeringATargetWithoutTheKeyAnswers503NamingTheSetting() {
        String name = uniqueName("edge-nokey");
        var response = api().postJson("/api/v1/targets", Map.of("name", name, "kind", "EDGE", "region", "eu",
                "baseUrl", "http://127.0.0.1:7101"));

        assertThat(assertProblem(response, 503, "NODE_CREDENTIALS_UNCONFIGURED").path("detail").asString())
                .contains("RTML_NODE_CREDENTIALS_KEY");
        assertThat(jdbc.queryForObject("select count(*) from target where name = ?", Long.class, name)).isZero();
    }
}
