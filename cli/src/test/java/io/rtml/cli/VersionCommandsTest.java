package io.rtml.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.testing.ReferenceModels;
import io.rtml.testing.ReferenceModels.ReferenceModel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class VersionCommandsTest {

    static final ReferenceModel TITANIC = ReferenceModels.bundled("sklearn_titanic_pipeline");

    @TempDir
    Path home;

    /** A new model with the titanic pipeline as version 1; returns the model's name. */
    static String modelWithVersion(Cli cli, String prefix) {
        String model = RunningRegistry.uniqueName(prefix);
        assertThat(cli.run("models", "create", model).exitCode()).isZero();
        Cli.Result upload = cli.run("versions", "upload", model, TITANIC.file().toString());
        assertThat(upload.exitCode()).as(upload.toString()).isZero();
        return model;
    }

    @Test
    void uploadThenShowAndList() {
        Cli cli = Cli.admin(home);
        String model = RunningRegistry.uniqueName("titanic");
        assertThat(cli.run("models", "create", model).exitCode()).isZero();

        Cli.Result upload = cli.run("versions", "upload", model, TITANIC.file().toString(), "--description", "first",
                "--tag", "stage:test");

        assertThat(upload.exitCode()).as(upload.toString()).isZero();
        assertThat(upload.out()).startsWith("Uploaded " + model + " version 1 (").contains("sha256 " + TITANIC.sha256());
        // Not a terminal: plain progress lines, no carriage returns.
        assertThat(upload.err()).contains("model.onnx: uploading ").contains("model.onnx: sent ").doesNotContain("\r");

        Cli.Result show = cli.run("versions", "show", model, "1");
        assertThat(show.exitCode()).as(show.toString()).isZero();
        assertThat(show.out()).containsPattern("version\\s+1").contains(TITANIC.sha256()).containsPattern("tags\\s+stage=test")
                .containsPattern("input\\s+pclass").containsPattern("output\\s+output_label");

        Cli.Result list = cli.run("versions", "list", model);
        assertThat(list.out().lines().toList()).hasSize(2);
        assertThat(list.out().lines().toList().get(1)).startsWith("1 ").contains(TITANIC.sha256().substring(0, 12))
                .contains("first");
    }

    @Test
    void outputJsonIsTheRegisteredVersion() {
        Cli cli = Cli.admin(home);
        String model = modelWithVersion(cli, "titanic-json");

        JsonNode version = Json.parse(cli.run("versions", "show", model, "1", "-o", "json").out(), "stdout");
        assertThat(version.path("sha256").asString()).isEqualTo(TITANIC.sha256());
        assertThat(version.path("sizeBytes").asLong()).isEqualTo(TITANIC.bytes());
        assertThat(version.path("signature").path("inputs").size()).isPositive();

        JsonNode page = Json.parse(cli.run("versions", "list", model, "-o", "json").out(), "stdout");
        assertThat(page.path("items")).hasSize(1);
    }

    @Test
    void onATerminalTheUploadDrawsABarWithRateAndEta() {
        Cli cli = Cli.admin(home).terminal();
        String model = RunningRegistry.uniqueName("titanic-tty");
        assertThat(cli.run("models", "create", model).exitCode()).isZero();

        Cli.Result upload = cli.run("versions", "upload", model, TITANIC.file().toString());

        assertThat(upload.exitCode()).as(upload.toString()).isZero();
        assertThat(upload.err()).contains("\rmodel.onnx [").contains("100%").contains("/s  ETA ");
    }

    @Test
    void aFileThatIsNotOnnxIsRefusedWithTheServersCode(@TempDir Path dir) throws Exception {
        Cli cli = Cli.admin(home);
        String model = RunningRegistry.uniqueName("junk");
        assertThat(cli.run("models", "create", model).exitCode()).isZero();
        Path junk = Files.writeString(dir.resolve("junk.onnx"), "this is not a model");

        Cli.Result upload = cli.run("versions", "upload", model, junk.toString());

        assertThat(upload.exitCode()).as(upload.toString()).isEqualTo(ExitCodes.REFUSED);
        assertThat(upload.err().lines().filter(l -> l.startsWith("rtml: ")).toList()).singleElement()
                .asString().endsWith("(NOT_ONNX)");
    }

    @Test
    void aMissingFileIsAUsageError() {
        Cli.Result upload = Cli.admin(home).run("versions", "upload", "any", home.resolve("nope.onnx").toString());

        assertThat(upload.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(upload.err()).startsWith("rtml: cannot read file ");
    }
}
