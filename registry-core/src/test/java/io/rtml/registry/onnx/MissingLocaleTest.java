package io.rtml.registry.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.testing.ReferenceModels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model whose StringNormalizer needs en_US.UTF-8, inspected in a JVM whose LOCPATH has no locales:
 * the registry explains what to install instead of reporting a bare load failure.
 */
class MissingLocaleTest {

    @TempDir
    Path emptyLocales;

    @Test
    void reportsTheMissingLocaleWithHowToInstallIt() throws IOException, InterruptedException {
        Path model = ReferenceModels.sharedDir().resolve("sklearn_text_tfidf_trees").resolve("model.onnx");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                LocaleProbe.class.getName(), model.toString()).redirectErrorStream(true);
        builder.environment().put("LOCPATH", emptyLocales.toString());
        // ONNX Runtime 1.29 matches its telemetry regexes against the process command line; a command line
        // over ~3.6 KB (a -cp of this classpath) overflows the native stack and kills the JVM without a
        // crash report. So the classpath goes through the environment, and telemetry is off for good measure.
        builder.environment().put("CLASSPATH", System.getProperty("java.class.path"));
        builder.environment().put("ORT_DISABLE_TELEMETRY", "1");

        Process probe = builder.start();
        String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(probe.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(output).as("output of the probe JVM (exit %s)", probe.exitValue())
                .contains("RUNTIME_LOCALE_MISSING")
                .contains("the model needs the locale en_US.UTF-8", "not installed on the registry host",
                        "apt-get install locales", "en_US.UTF-8 UTF-8", "locale-gen",
                        "localedef -i en_US -f UTF-8 DIR/en_US.UTF-8", "LOCPATH=DIR", "scripts/ensure-locale.sh");
    }
}
