package io.rtml.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class ServiceCommandsTest {

    @TempDir
    Path home;

    @Test
    void createListAndShowAService() {
        Cli cli = Cli.admin(home);
        String model = VersionCommandsTest.modelWithVersion(cli, "svc-model");
        String service = RunningRegistry.uniqueName("svc");

        Cli.Result created = cli.run("services", "create", service, "--model", model, "--description", "Who survives");
        assertThat(created.exitCode()).as(created.toString()).isZero();
        assertThat(created.out()).isEqualTo("Created service " + service + " for model " + model + "\n");

        Cli.Result list = cli.run("services", "list");
        assertThat(list.exitCode()).as(list.toString()).isZero();
        assertThat(list.out().lines().findFirst().orElseThrow())
                .matches("SERVICE\\s+MODEL\\s+STATUS\\s+VERSION PER TARGET\\s+HEALTH");
        assertThat(list.out().lines().filter(l -> l.startsWith(service + " ")).toList()).singleElement().asString()
                .contains(model).contains("NEW");

        Cli.Result show = cli.run("services", "show", service);
        assertThat(show.exitCode()).as(show.toString()).isZero();
        assertThat(show.out()).startsWith("Service " + service + " (model " + model + ", NEW)\nWho survives\n")
                .contains("Not deployed anywhere yet.").contains("No deployments yet.");
    }

    @Test
    void outputJsonIsTheGalleryEntry() {
        Cli cli = Cli.admin(home);
        String model = VersionCommandsTest.modelWithVersion(cli, "svc-json-model");
        String service = RunningRegistry.uniqueName("svc-json");
        assertThat(cli.run("services", "create", service, "--model", model).exitCode()).isZero();

        JsonNode shown = Json.parse(cli.run("services", "show", service, "-o", "json").out(), "stdout");
        assertThat(shown.path("model").asString()).isEqualTo(model);
        assertThat(shown.path("targets").isArray()).isTrue();

        JsonNode page = Json.parse(cli.run("services", "list", "-o", "json").out(), "stdout");
        assertThat(page.path("items").valueStream().map(s -> s.path("name").asString())).contains(service);
    }

    @Test
    void aServiceForAnUnknownModelIsNotFound() {
        Cli.Result result = Cli.admin(home).run("services", "create", RunningRegistry.uniqueName("svc"), "--model",
                RunningRegistry.uniqueName("nope"));

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(result.err()).startsWith("rtml: ").endsWith("(MODEL_NOT_FOUND)\n");
    }
}
