package io.rtml.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code rtml webhooks}, {@code rtml events} and {@code rtml services create --follow} against the real registry. */
class EventCommandsTest {

    @TempDir
    Path home;

    @Test
    void createListAndDeleteAWebhook() {
        Cli cli = Cli.admin(home);

        Cli.Result created = cli.run("webhooks", "create", "http://127.0.0.1:9/ci", "--events",
                "alias.moved,deployment.succeeded", "--description", "CI");

        assertThat(created.exitCode()).as(created.toString()).isZero();
        assertThat(created.out()).matches("(?s)Created webhook \\d+ for http://127\\.0\\.0\\.1:9/ci "
                + "\\(alias\\.moved,deployment\\.succeeded\\)\nSigning secret \\(shown once, keep it\\): rtml_whsec_\\w+\n");
        String id = created.out().split(" ")[2];
        String secret = created.out().substring(created.out().lastIndexOf(' ') + 1).trim();

        Cli.Result list = cli.run("webhooks", "list");
        assertThat(list.exitCode()).as(list.toString()).isZero();
        assertThat(list.out().lines().findFirst().orElseThrow()).matches("ID\\s+URL\\s+EVENTS\\s+PENDING\\s+DELIVERED\\s+FAILED");
        assertThat(list.out()).contains("http://127.0.0.1:9/ci").doesNotContain(secret);

        Cli.Result deleted = cli.run("webhooks", "delete", id);
        assertThat(deleted.exitCode()).as(deleted.toString()).isZero();
        assertThat(deleted.out()).isEqualTo("Deleted webhook " + id + "\n");
        Cli.Result again = cli.run("webhooks", "delete", id);
        assertThat(again.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(again.err()).startsWith("rtml: ").endsWith("(WEBHOOK_NOT_FOUND)\n");
    }

    @Test
    void aRefusedWebhookIsOneLineAndANonZeroExit() {
        Cli.Result refused = Cli.admin(home).run("webhooks", "create", "http://10.9.9.9/hook");

        assertThat(refused.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(refused.err()).startsWith("rtml: ").contains("rtml.targets.allowed-cidrs").endsWith("(VALIDATION_FAILED)\n");
        assertThat(refused.err().lines().count()).isEqualTo(1);

        Cli.Result unknown = Cli.admin(home).run("webhooks", "create", "http://127.0.0.1:9/x", "--events", "model.exploded");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(unknown.err()).contains("model.exploded");
    }

    @Test
    void aServiceThatFollowsAnAliasAndTheEventsItsModelMade() {
        Cli cli = Cli.admin(home);
        String model = VersionCommandsTest.modelWithVersion(cli, "follow-model");
        String service = RunningRegistry.uniqueName("follow");

        Cli.Result created = cli.run("services", "create", service, "--model", model, "--follow", "champion");

        assertThat(created.exitCode()).as(created.toString()).isZero();
        assertThat(created.out()).isEqualTo("Created service " + service + " for model " + model + ", following "
                + model + "@champion\n");
        JsonNode shown = Json.parse(cli.run("services", "show", service, "-o", "json").out(), "stdout");
        assertThat(shown.path("follow").asString()).isEqualTo("champion");

        JsonNode all = Json.parse(cli.run("events", "--type", "version.created", "--limit", "500", "-o", "json").out(),
                "stdout");
        assertThat(all.path("events").valueStream().map(e -> e.path("subject").path("name").asString())).contains(model);
        long next = all.path("next").asLong();
        Cli.Result none = cli.run("events", "--after", String.valueOf(Long.MAX_VALUE - 1));
        assertThat(none.exitCode()).as(none.toString()).isZero();
        assertThat(none.out()).startsWith("No events after ").contains("Next: rtml events --after ");
        Cli.Result table = cli.run("events", "--after", String.valueOf(next - 1), "--type", "version.created");
        assertThat(table.out().lines().findFirst().orElseThrow()).matches("ID\\s+TYPE\\s+SUBJECT\\s+ACTOR\\s+OCCURRED\\s+DATA");

        Cli.Result bad = cli.run("services", "create", RunningRegistry.uniqueName("bad"), "--model", model, "--follow", "Bad Alias");
        assertThat(bad.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(bad.err()).startsWith("rtml: ").endsWith("(INVALID_NAME)\n");
    }
}
