package io.rtml.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/rtml-local} on a machine where no PostgreSQL answers: it starts an embedded one with
 * its data in {@code RTML_HOME/postgres}, stops it on Ctrl-C, and finds the data again on restart.
 *
 * <p>PostgreSQL answers on this machine and the build runs as root here, so the stack is started
 * in a network namespace of its own (where 127.0.0.1:5432 is closed, and the default ports are
 * free) as user {@code nobody} (PostgreSQL refuses to run as root). It is reached with nsenter.
 * Skipped when not root.
 */
class EmbeddedPostgresFallbackIT {

    private static final String NOBODY = "65534";

    @Test
    void startsAnEmbeddedPostgresAndKeepsItsDataAcrossARestart() throws Exception {
        Assumptions.assumeTrue(LocalDatabase.isRoot(), "needs root to make a network namespace where no PostgreSQL answers");
        Path home = Files.createTempDirectory("rtml-embedded-pg");
        run(List.of("chown", NOBODY + ":" + NOBODY, home.toString()));

        LocalStackProcess first = isolated(home, "rtml-local-embedded-pg");
        String token;
        try {
            first.start();
            token = first.adminToken();
            assertThat(first.output()).contains("(embedded, data in " + home.resolve("postgres") + ")");
            assertThat(inNamespace(first, "curl", "-s", "-X", "POST", "http://127.0.0.1:8080/api/v1/models",
                    "-H", "Authorization: Bearer " + token, "-H", "Content-Type: application/json",
                    "-d", "{\"name\":\"kept-across-restarts\"}")).contains("\"name\":\"kept-across-restarts\"");
            assertThat(first.interrupt()).as("exit status after Ctrl-C").isEqualTo(130);
        } finally {
            first.close();
        }
        assertThat(postgresProcessesFor(home)).as("embedded PostgreSQL stopped with the stack").isEmpty();

        LocalStackProcess second = isolated(home, "rtml-local-embedded-pg-restarted");
        second.start();
        try {
            assertThat(inNamespace(second, "curl", "-s", "http://127.0.0.1:8080/api/v1/models/kept-across-restarts",
                    "-H", "Authorization: Bearer " + token)).contains("\"name\":\"kept-across-restarts\"");
        } finally {
            second.close();
        }
    }

    @Test
    void asRootWithNoServerItStopsWithOneLineThatSaysWhatToDo() throws Exception {
        Assumptions.assumeTrue(LocalDatabase.isRoot(), "needs root to make a network namespace where no PostgreSQL answers");
        ProcessBuilder builder = new ProcessBuilder("unshare", "--net", "--", "sh", "-c", "ip link set lo up && exec bin/rtml-local")
                .directory(LocalStackProcess.REPO.toFile()).redirectErrorStream(true);
        builder.environment().remove("SPRING_DATASOURCE_URL");
        builder.environment().put("RTML_SKIP_BUILD", "1");
        builder.environment().put("RTML_HOME", Files.createTempDirectory("rtml-root-no-pg").toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(output.lines()).hasSize(1).first().asString()
                .startsWith("rtml-local: no PostgreSQL answers on 127.0.0.1:5432, and the embedded one cannot run as root")
                .contains("pg_ctlcluster", "SPRING_DATASOURCE_URL");
    }

    private static LocalStackProcess isolated(Path home, String name) {
        String launch = "ip link set lo up && exec setpriv --reuid=" + NOBODY + " --regid=" + NOBODY
                + " --clear-groups bin/rtml-local";
        return new LocalStackProcess(name, home, List.of("unshare", "--net", "--", "sh", "-c", launch),
                Map.of("RTML_HOME", home.toString(), "HOME", home.toString()), 8080, 8090);
    }

    private static String inNamespace(LocalStackProcess stack, String... command) throws Exception {
        List<String> full = new ArrayList<>(List.of("nsenter", "--net=/proc/" + stack.pid() + "/ns/net"));
        full.addAll(List.of(command));
        return run(full);
    }

    private static List<String> postgresProcessesFor(Path home) throws IOException {
        List<String> found = new ArrayList<>();
        try (var processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String commandLine = Files.readString(process.resolve("cmdline")).replace('\0', ' ');
                    if (commandLine.contains(home.resolve("postgres").toString())) {
                        found.add(commandLine);
                    }
                } catch (IOException gone) {
                    // exited while we looked
                }
            }
        }
        return found;
    }

    private static String run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
        return output;
    }

}
