package io.rtml.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTablesTest {

    @Test
    void readsTheEnvironmentColumnOnlyWithItsShorthands(@TempDir Path dir) throws IOException {
        Path doc = dir.resolve("doc.md");
        Files.writeString(doc, """
                | property | environment | default | meaning |
                |---|---|---|---|
                | `a.b` | `RTML_A_B` | `1` | uses `NOT_A_SETTING` in its meaning |
                | `u` / `p` | `SPRING_DATASOURCE_USERNAME` / `_PASSWORD` | x | |
                | `rtml.s3.*` | `RTML_S3_*` | | |
                | `t.<ref>` | `RTML_TOKENS_<REF>` | | |
                | `db` | `SPRING_X_URL`, … | | |

                | method | path |
                |---|---|
                | `GET` | `RTML_IN_ANOTHER_TABLE` |
                """);

        SettingsTables tables = SettingsTables.of(doc);

        assertThat(tables.names()).containsExactlyInAnyOrder("RTML_A_B", "SPRING_DATASOURCE_USERNAME",
                "SPRING_DATASOURCE_PASSWORD", "SPRING_X_URL");
        assertThat(tables.prefixes()).containsExactlyInAnyOrder("RTML_S3_", "RTML_TOKENS_", "SPRING_X_");
    }

    @Test
    void theRealTablesAreFound() {
        assertThat(SettingsTables.of(Chart.ROOT.resolve("README.md")).names())
                .contains("RTML_SECURITY_BOOTSTRAP_ADMIN_TOKEN", "SPRING_DATASOURCE_PASSWORD", "RTML_S3_ENDPOINT");
        assertThat(SettingsTables.of(Chart.ROOT.resolve("docs/deployer.md")).names())
                .contains("RTML_DEPLOYER_INSTANCE_ID", "RTML_NODE_CREDENTIALS_KEY");
        assertThat(SettingsTables.of(Chart.ROOT.resolve("docs/scoring-service.md")).names())
                .contains("RTML_SCORING_DATA_DIR", "RTML_SCORING_ADMIN_TOKEN");
    }
}
