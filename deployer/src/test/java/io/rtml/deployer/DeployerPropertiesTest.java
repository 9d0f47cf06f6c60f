package io.rtml.deployer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** Binding the deployer's settings as Spring Boot does, from environment-variable-like sources. */
class DeployerPropertiesTest {

    @Test
    void absentSettingsTakeTheirDefaults() {
        DeployerProperties properties = bind(Map.of());
        assertDefaults(properties);
    }

    @Test
    void blankSettingsTakeTheirDefaultsToo() {
        // As RTML_DEPLOYER_LEASE= and the like in an env file bind.
        DeployerProperties properties = bind(Map.ofEntries(Map.entry("rtml.deployer.instance-id", ""),
                Map.entry("rtml.deployer.poll-interval", ""), Map.entry("rtml.deployer.lease", ""),
                Map.entry("rtml.deployer.max-attempts", ""), Map.entry("rtml.deployer.concurrency", ""),
                Map.entry("rtml.deployer.reconcile-interval", ""), Map.entry("rtml.deployer.connect-timeout", ""),
                Map.entry("rtml.deployer.stage-timeout", ""), Map.entry("rtml.deployer.stage-wait", ""),
                Map.entry("rtml.deployer.call-timeout", ""), Map.entry("rtml.deployer.max-calls-in-flight", "")));
        assertDefaults(properties);
        assertThat(properties.instanceId()).isNotBlank();
    }

    @Test
    void setSettingsWin() {
        DeployerProperties properties = bind(Map.of("rtml.deployer.lease", "3s", "rtml.deployer.max-attempts", "7"));
        assertThat(properties.lease()).isEqualTo(Duration.ofSeconds(3));
        assertThat(properties.maxAttempts()).isEqualTo(7);
    }

    private static void assertDefaults(DeployerProperties properties) {
        assertThat(properties.pollInterval()).isEqualTo(Duration.ofMillis(50));
        assertThat(properties.lease()).isEqualTo(Duration.ofSeconds(10));
        assertThat(properties.maxAttempts()).isEqualTo(3);
        assertThat(properties.concurrency()).isEqualTo(4);
        assertThat(properties.reconcileInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(properties.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(properties.stageTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(properties.stageWait()).isEqualTo(Duration.ofSeconds(2));
        assertThat(properties.callTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(properties.maxCallsInFlight()).isEqualTo(256);
        assertThat(properties.nodeTokens()).isEmpty();
    }

    private static DeployerProperties bind(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("rtml.deployer", DeployerProperties.class);
    }
}
