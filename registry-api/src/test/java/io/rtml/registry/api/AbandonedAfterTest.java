package io.rtml.registry.api;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtml.registry.artifact.UploadProperties;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The sweep of abandoned multipart uploads must not reach an upload that may still be in flight. */
class AbandonedAfterTest {

    @Test
    void abandonedAfterMustOutlastTheLongestUpload() {
        assertThatCode(() -> defence("1h", "1d")).as("the defaults").doesNotThrowAnyException();

        assertThatThrownBy(() -> defence("1h", "90m")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rtml.registry.upload.abandoned-after (PT1H30M)")
                .hasMessageContaining("rtml.api.clients.upload-time-limit (PT1H)");
    }

    private static SlowClientDefence defence(String uploadTimeLimit, String abandonedAfter) {
        Binder binder = new Binder(new MapConfigurationPropertySource(Map.of(
                "rtml.api.clients.upload-time-limit", uploadTimeLimit,
                "rtml.registry.upload.abandoned-after", abandonedAfter,
                "rtml.registry.upload.spool-dir", "/tmp/unused")));
        return new SlowClientDefence(binder.bindOrCreate("rtml.api.clients", ClientLimits.class),
                binder.bindOrCreate("rtml.registry.upload", UploadProperties.class));
    }
}
