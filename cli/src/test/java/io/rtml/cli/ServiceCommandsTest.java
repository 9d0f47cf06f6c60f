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
    void aDefaultRolloutIsSetWithDeploysOptionsOrJsonChangedAndCleared() {
        Cli cli = Cli.admin(home);
        String model = VersionCommandsTest.modelWithVersion(cli, "svc-rollout-model");
        String service = RunningRegistry.uniqueName("svc-rollout");

        Cli.Result created = cli.run("services", "create", service, "--model", model, "--canary", "10,100", "--bake",
                "30s", "--min-requests", "500");
        assertThat(created.exitCode()).as(created.toString()).isZero();
        assertThat(created.out()).isEqualTo("Created service " + service + " for model " + model + "; default rollout: "
                + "{\"strategy\":{\"type\":\"canary\",\"steps\":[10,100],\"bakeSeconds\":30},"
                + "\"guardrails\":{\"minRequests\":500}}\n");
        JsonNode shown = Json.parse(cli.run("services", "show", service, "-o", "json").out(), "stdout");
        assertThat(shown.path("defaultRollout").path("strategy").path("steps").toString()).isEqualTo("[10,100]");
        assertThat(cli.run("services", "show", service).out()).contains("\nDefault rollout: {\"strategy\":");

        Cli.Result waves = cli.run("services", "update", service, "--rollout",
                "{\"waves\":[{\"percent\":50},{\"percent\":100}],\"offline\":\"converge\"}");
        assertThat(waves.exitCode()).as(waves.toString()).isZero();
        assertThat(waves.out()).startsWith("Updated service " + service + "; default rollout: {\"waves\":[");

        Cli.Result refused = cli.run("services", "update", service, "--rollout",
                "{\"strategy\":{\"type\":\"canary\",\"steps\":[5,50]}}");
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(ExitCodes.REFUSED);
        assertThat(refused.err()).contains("defaultRollout.strategy.steps must end at 100")
                .endsWith("(VALIDATION_FAILED)\n");

        Cli.Result cleared = cli.run("services", "update", service, "--no-default-rollout");
        assertThat(cleared.exitCode()).as(cleared.toString()).isZero();
        assertThat(cleared.out()).isEqualTo("Updated service " + service + "\n");

        assertThat(cli.run("services", "update", service).exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.run("services", "update", service, "--rollout", "{}", "--canary", "5,100").exitCode())
                .isEqualTo(ExitCodes.USAGE);
        assertThat(cli.run("services", "update", service, "--no-default-rollout", "--linear", "10").exitCode())
                .isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void aServiceForAnUnknownModelIsNotFound() {
        Cli.Result result = Cli.admin(home).run("services", "create", RunningRegistry.uniqueName("svc"), "--model",
                RunningRegistry.uniqueName("nope"));

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(result.err()).startsWith("rtml: ").endsWith("(MODEL_NOT_FOUND)\n");
    }

    @Test
    void deleteRebindAndUndeployAServiceThatRanNowhere() {
        Cli cli = Cli.admin(home);
        String model = VersionCommandsTest.modelWithVersion(cli, "svc-life-model");
        String other = VersionCommandsTest.modelWithVersion(cli, "svc-life-other");
        String service = RunningRegistry.uniqueName("svc-life");
        assertThat(cli.run("services", "create", service, "--model", model).exitCode()).isZero();
        String target = RunningRegistry.createTarget(RunningRegistry.uniqueName("edge"), "EDGE", "eu", "http://127.0.0.1:9");

        Cli.Result undeploy = cli.run("services", "undeploy", service, "--targets", target, "--no-wait");
        assertThat(undeploy.exitCode()).as(undeploy.toString()).isEqualTo(ExitCodes.REFUSED);
        assertThat(undeploy.err()).contains("does not run on " + target).endsWith("(VALIDATION_FAILED)\n");

        Cli.Result rebind = cli.run("services", "rebind", service, "--model", other);
        assertThat(rebind.exitCode()).as(rebind.toString()).isZero();
        assertThat(rebind.out()).isEqualTo("Service " + service + " is bound to model " + other + " (was " + model
                + "); deploy a version of it to serve it\n");
        assertThat(cli.run("services", "rebind", service, "--model", RunningRegistry.uniqueName("nope")).exitCode())
                .isEqualTo(ExitCodes.NOT_FOUND);

        Cli.Result delete = cli.run("services", "delete", service);
        assertThat(delete.exitCode()).as(delete.toString()).isZero();
        assertThat(delete.out()).isEqualTo("Deleted service " + service + " (it ran nowhere)\n");
        assertThat(cli.run("services", "show", service).exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(cli.run("models", "delete", model).exitCode()).as("nothing holds the model any more").isZero();
    }

    @Test
    void deletingAServiceWhileItIsBeingDeployedIsAConflict() {
        Cli cli = Cli.admin(home);
        String model = VersionCommandsTest.modelWithVersion(cli, "svc-busy-model");
        String service = RunningRegistry.uniqueName("svc-busy");
        assertThat(cli.run("services", "create", service, "--model", model).exitCode()).isZero();
        String target = RunningRegistry.createTarget(RunningRegistry.uniqueName("edge"), "EDGE", "eu", "http://127.0.0.1:9");
        assertThat(cli.run("deploy", service, "1", "--targets", target, "--no-wait").exitCode()).isZero();

        Cli.Result delete = cli.run("services", "delete", service);

        assertThat(delete.exitCode()).as(delete.toString()).isEqualTo(ExitCodes.REFUSED);
        assertThat(delete.err()).endsWith("(DEPLOYMENT_IN_PROGRESS)\n");
        Cli.Result modelDelete = cli.run("models", "delete", model);
        assertThat(modelDelete.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(modelDelete.err()).contains("service '" + service + "'").contains("DELETE /api/v1/services/");
    }
}
