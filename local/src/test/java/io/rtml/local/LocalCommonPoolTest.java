package io.rtml.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded stack runs the deployer in its own JVM without the deployer's {@code main}, so its
 * own {@code main} must give the common pool two workers on a machine with two CPUs, or every
 * answer from a node starts a thread (the deployer's CommonPoolTest shows the JDK's behaviour). A
 * child JVM told it has 2 CPUs runs {@link RtmlLocal#main} with a database that does not answer,
 * so the stack stops at once, and says on its way out how many workers the common pool has.
 */
class LocalCommonPoolTest {

    @Test
    void theEmbeddedStackOnTwoCpusGivesTheCommonPoolTwoWorkers(@TempDir Path home) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:ActiveProcessorCount=2", "-cp", System.getProperty("java.class.path"),
                Probe.class.getName())).redirectErrorStream(true);
        builder.environment().put("RTML_HOME", home.toString());
        // Nothing listens on port 1: the stack gives up before it starts anything.
        builder.environment().put("SPRING_DATASOURCE_URL", "jdbc:postgresql://127.0.0.1:1/rtml");
        Process child = builder.start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).as(out).isTrue();
        assertThat(out).contains("no PostgreSQL answers").contains("common pool parallelism: 2");
        assertThat(Files.list(home)).as("nothing started").isEmpty();
    }

    /** Run in the child JVM: the stack's main, and the common pool's size when the JVM exits. */
    public static final class Probe {

        private Probe() {}

        public static void main(String[] args) {
            // Read when the JVM exits (main ends with System.exit), after main has had its say.
            Runtime.getRuntime().addShutdownHook(new Thread(() ->
                    System.out.println("common pool parallelism: " + ForkJoinPool.getCommonPoolParallelism())));
            RtmlLocal.main(args);
        }
    }
}
