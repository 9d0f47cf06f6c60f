package io.rtml.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class ModelCommandsTest {

    @TempDir
    Path home;

    @Test
    void createListAndShowAModel() {
        Cli cli = Cli.admin(home);
        String name = RunningRegistry.uniqueName("churn");

        Cli.Result created = cli.run("models", "create", name, "--description", "Churn per customer", "--tag", "team=growth");
        assertThat(created.exitCode()).as(created.toString()).isZero();
        assertThat(created.out()).isEqualTo("Created model " + name + "\n");

        Cli.Result list = cli.run("models", "list", "--query", name, "--tag", "team:growth");
        assertThat(list.exitCode()).as(list.toString()).isZero();
        assertThat(list.out().lines()).hasSize(2);
        assertThat(list.out().lines().toList().get(1)).startsWith(name).contains("team=growth").contains("Churn per customer");

        Cli.Result show = cli.run("models", "show", name);
        assertThat(show.exitCode()).as(show.toString()).isZero();
        assertThat(show.out()).containsPattern("name\\s+" + name).containsPattern("latestVersion\\s+0")
                .containsPattern("tags\\s+team=growth").containsPattern("createdBy\\s+\\S+");
    }

    @Test
    void outputJsonPrintsTheServersJson() {
        Cli cli = Cli.admin(home);
        String name = RunningRegistry.uniqueName("json");

        Cli.Result created = cli.run("models", "create", name, "--output", "json");
        JsonNode model = Json.parse(created.out(), "stdout");
        assertThat(model.path("name").asString()).isEqualTo(name);
        assertThat(model.path("latestVersion").asInt()).isZero();

        JsonNode page = Json.parse(cli.run("models", "list", "--query", name, "-o", "json").out(), "stdout");
        assertThat(page.path("items")).hasSize(1);
        assertThat(page.path("items").get(0).path("name").asString()).isEqualTo(name);

        JsonNode shown = Json.parse(cli.run("models", "show", name, "-o", "JSON").out(), "stdout");
        assertThat(shown.path("createdAt").asString()).isNotBlank();
    }

    @Test
    void aBadNameIsOneLineFromTheProblemWithExitCode4() {
        Cli.Result result = Cli.admin(home).run("models", "create", "Bad Name");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.REFUSED);
        assertThat(result.out()).isEmpty();
        assertThat(result.err().lines()).hasSize(1);
        assertThat(result.err()).startsWith("rtml: model name 'Bad Name' is not valid: ").endsWith("(INVALID_NAME)\n");
    }

    @Test
    void aDuplicateIsAConflictWithExitCode4() {
        Cli cli = Cli.admin(home);
        String name = RunningRegistry.uniqueName("twice");
        assertThat(cli.run("models", "create", name).exitCode()).isZero();

        Cli.Result again = cli.run("models", "create", name);

        assertThat(again.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(again.err()).endsWith("(MODEL_ALREADY_EXISTS)\n");
    }

    @Test
    void anUnknownModelIsExitCode3() {
        Cli.Result result = Cli.admin(home).run("models", "show", RunningRegistry.uniqueName("missing"));

        assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(result.err()).startsWith("rtml: ").endsWith("(MODEL_NOT_FOUND)\n");
    }

    @Test
    void aWrongTokenIsExitCode5WithoutStackTrace() {
        Cli.Result result = Cli.admin(home).env("RTML_TOKEN", "wrong-token-0000000000000000").run("models", "list");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.AUTH);
        assertThat(result.err().lines()).hasSize(1);
        assertThat(result.err()).startsWith("rtml: ").endsWith("(UNAUTHENTICATED)\n");
    }

    @Test
    void debugAddsTheStackTrace() {
        Cli.Result result = Cli.admin(home).env("RTML_URL", "http://127.0.0.1:9").run("models", "list", "--debug");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(result.err()).startsWith("rtml: cannot reach the registry at http://127.0.0.1:9")
                .contains("at io.rtml.cli.");
    }

    @Test
    void usageErrorsAreExitCode2() {
        Cli cli = Cli.admin(home);

        assertThat(cli.run("models", "create").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.run("models", "list", "--output", "yaml").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.run("models", "create", "x", "--tag", "no-equals-sign").exitCode()).isEqualTo(ExitCodes.USAGE);
        Cli.Result group = cli.run("models");
        assertThat(group.exitCode()).as(group.toString()).isEqualTo(ExitCodes.USAGE);
    }
}
