package io.rtml.deployer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The deployer on a machine with two CPUs: answers from nodes must not each start a thread (the
 * JDK's HTTP client completes every {@code sendAsync} on CompletableFuture's default executor, a
 * new thread per task while the common pool has one worker). A child JVM told it has 2 CPUs, so
 * the test means the same on any machine.
 */
class CommonPoolTest {

    @Test
    void aHundredAnswersOnTwoCpusStartNoThreadEach() throws Exception {
        assertThat(threadsStarted("tuned")).isLessThan(10);
    }

    @Test
    void withoutTheSettingEachAnswerStartsAThread() throws Exception {
        // What the setting is for: the JDK's behaviour, so that the test above cannot pass by chance.
        assertThat(threadsStarted("plain")).isGreaterThanOrEqualTo(100);
    }

    private static long threadsStarted(String mode) throws IOException, InterruptedException {
        Process child = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:ActiveProcessorCount=2", "-cp", System.getProperty("java.class.path"),
                CommonPoolProbe.class.getName(), mode)).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).as(out).isTrue();
        assertThat(child.exitValue()).as(out).isZero();
        String line = out.lines().filter(l -> l.startsWith("threads started: ")).findFirst()
                .orElseThrow(() -> new AssertionError("no count in: " + out));
        return Long.parseLong(line.substring("threads started: ".length()).trim());
    }
}
