package io.rtml.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.testing.ReferenceModels;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Deploy and rollback against the real registry. No deployer runs in these tests, so every
 * deployment stays PENDING: what is tested is the request, the 202, and the waiting that gives up.
 */
class DeploymentCommandsTest {

    @TempDir
    Path home;

    Cli cli;
    String model;
    String service;
    String target;

    @BeforeEach
    void serviceAndTarget() {
        cli = Cli.admin(home);
        model = VersionCommandsTest.modelWithVersion(cli, "deploy-model");
        service = RunningRegistry.uniqueName("deploy-svc");
        assertThat(cli.run("services", "create", service, "--model", model).exitCode()).isZero();
        target = RunningRegistry.createTarget(RunningRegistry.uniqueName("edge"), "EDGE", "eu", "http://127.0.0.1:9");
    }

    @Test
    void noWaitReturnsTheAcceptedDeploymentAtOnce() {
        Cli.Result result = cli.run("deploy", service, "1", "--targets", target, "--no-wait");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).matches("(?s)Deployment \\d+ PENDING: DEPLOY of " + service + " version 1\n.*")
                .containsPattern(target + "\\s+PENDING");
    }

    @Test
    void noWaitWithJsonPrintsTheAcceptedBody() {
        JsonNode deployment = Json.parse(
                cli.run("deploy", service, "1", "--targets", target, "--no-wait", "-o", "json").out(), "stdout");

        assertThat(deployment.path("id").asLong()).isPositive();
        assertThat(deployment.path("status").asString()).isEqualTo("PENDING");
        assertThat(deployment.path("targets").get(0).path("target").asString()).isEqualTo(target);
    }

    @Test
    void waitingGivesUpWithExitCode7WhenNothingCarriesItOut() {
        Cli.Result result = cli.run("deploy", service, "1", "--targets", target, "--timeout", "600ms");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.DEPLOYMENT_FAILED);
        assertThat(result.err()).containsPattern("Deployment \\d+: DEPLOY of " + service + " version 1, PENDING")
                .contains("  " + target + ": PENDING")
                .containsPattern("rtml: deployment \\d+ is still PENDING after 0.6s; it goes on in the registry: "
                        + "http://127.0.0.1:\\d+/api/v1/services/" + service + "/deployments/\\d+\n");
    }

    @Test
    void aSecondDeploymentWhileOneIsInFlightIsAConflict() {
        assertThat(cli.run("deploy", service, "1", "--kind", "edge", "--region", "eu", "--no-wait").exitCode()).isZero();

        Cli.Result second = cli.run("deploy", service, "1", "--targets", target, "--no-wait");

        assertThat(second.exitCode()).as(second.toString()).isEqualTo(ExitCodes.REFUSED);
        assertThat(second.err()).endsWith("(DEPLOYMENT_IN_PROGRESS)\n");
    }

    @Test
    void aVersionThatBreaksTheActiveVersionsCallersIsRefusedWithOneLinePerDifferenceUnlessAllowed() {
        Cli.Result upload = cli.run("versions", "upload", model,
                ReferenceModels.bundled("sklearn_rf_iris_zipmap").file().toString());
        assertThat(upload.exitCode()).as(upload.toString()).isZero();
        JsonNode first = Json.parse(cli.run("deploy", service, "1", "--targets", target, "--no-wait", "-o", "json").out(),
                "stdout");
        RunningRegistry.succeed(first.path("id").asLong());

        Cli.Result refused = cli.run("deploy", service, "2", "--no-wait");

        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(ExitCodes.REFUSED);
        assertThat(refused.err()).startsWith(
                "rtml: Signature incompatible with the active version (SIGNATURE_INCOMPATIBLE):\n")
                .contains("\n  input 'pclass' is missing (active version 1)\n")
                .contains("\n  new input 'float_input' (tensor(float) FP32) (active version 1)\n")
                .endsWith("\n  give --allow-signature-change to deploy it anyway\n");

        Cli.Result allowed = cli.run("deploy", service, "2", "--no-wait", "--allow-signature-change");
        assertThat(allowed.exitCode()).as(allowed.toString()).isZero();
        assertThat(allowed.out()).contains("DEPLOY of " + service + " version 2");
    }

    @Test
    void unknownVersionsAndTargetsAreRefused() {
        Cli.Result version = cli.run("deploy", service, "7", "--targets", target, "--no-wait");
        assertThat(version.exitCode()).as(version.toString()).isEqualTo(ExitCodes.NOT_FOUND);

        Cli.Result targets = cli.run("deploy", service, "1", "--targets", "no-such-target", "--no-wait");
        assertThat(targets.exitCode()).as(targets.toString()).isEqualTo(ExitCodes.REFUSED);
        assertThat(targets.err()).isEqualTo("rtml: unknown targets: no-such-target (VALIDATION_FAILED)\n");

        Cli.Result both = cli.run("deploy", service, "1", "--targets", target, "--kind", "EDGE");
        assertThat(both.exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void aCanaryCarriesItsStepsBakeAndGuardrails() {
        JsonNode deployment = Json.parse(cli.run("deploy", service, "1", "--targets", target, "--canary", "5,25,100",
                "--bake", "30s", "--max-error-ratio", "0.01", "--max-p99", "50ms", "--no-wait", "-o", "json").out(),
                "stdout");

        JsonNode strategy = deployment.path("strategy");
        assertThat(strategy.path("type").asString()).isEqualTo("canary");
        assertThat(strategy.path("steps").toString()).isEqualTo("[5,25,100]");
        assertThat(strategy.path("bakeSeconds").asInt()).isEqualTo(30);
        assertThat(strategy.path("guardrails").path("maxErrorRatio").asDouble()).isEqualTo(0.01);
        assertThat(strategy.path("guardrails").path("maxP99Millis").asDouble()).isEqualTo(50);
    }

    @Test
    void linearAndShadowRolloutsAreAsked() {
        JsonNode linear = Json.parse(cli.run("deploy", service, "1", "--targets", target, "--linear", "25",
                "--no-wait", "-o", "json").out(), "stdout");
        assertThat(linear.path("strategy").path("steps").toString()).isEqualTo("[25,50,75,100]");
        assertThat(linear.path("strategy").path("bakeSeconds").asInt()).as("the default bake").isEqualTo(60);
        RunningRegistry.succeed(linear.path("id").asLong());

        JsonNode shadow = Json.parse(cli.run("deploy", service, "1", "--targets", target, "--shadow", "20",
                "--duration", "10m", "--no-wait", "-o", "json").out(), "stdout");
        assertThat(shadow.path("strategy").path("type").asString()).isEqualTo("shadow");
        assertThat(shadow.path("strategy").path("durationSeconds").asInt()).isEqualTo(600);
    }

    @Test
    void allAtOnceAsksForNoStrategyAndTakesNoOther() {
        JsonNode deployment = Json.parse(cli.run("deploy", service, "1", "--targets", target, "--all-at-once",
                "--no-wait", "-o", "json").out(), "stdout");
        assertThat(deployment.path("strategy").isNull()).as(deployment.toString()).isTrue();

        assertThat(cli.run("deploy", service, "1", "--all-at-once", "--canary", "5,100").exitCode())
                .isEqualTo(ExitCodes.USAGE);
        assertThat(cli.run("deploy", service, "1", "--all-at-once", "--max-psi", "0.1").exitCode())
                .isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void badRolloutsAreRefusedByTheCliOrTheRegistry() {
        Cli.Result steps = cli.run("deploy", service, "1", "--targets", target, "--canary", "50,5,100", "--no-wait");
        assertThat(steps.exitCode()).as(steps.toString()).isEqualTo(ExitCodes.REFUSED);
        assertThat(steps.err()).contains("strategy.steps must ascend").endsWith("(VALIDATION_FAILED)\n");

        assertThat(cli.run("deploy", service, "1", "--canary", "5,100", "--shadow", "5").exitCode())
                .isEqualTo(ExitCodes.USAGE);
        assertThat(cli.run("deploy", service, "1", "--bake", "5s").exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void aSelectorAndWavesAreAskedAndABadSelectorIsOneLineWithItsPosition() {
        JsonNode deployment = Json.parse(cli.run("deploy", service, "1", "--selector", "name=" + target,
                "--waves", "kind=hub; region in (eu);100%", "--max-failed", "10", "--offline", "converge",
                "--bake", "5s", "--no-wait", "-o", "json").out(), "stdout");

        assertThat(deployment.path("targets")).singleElement()
                .satisfies(t -> assertThat(t.path("target").asString()).isEqualTo(target))
                .satisfies(t -> assertThat(t.path("wave").asInt()).as("the region wave").isEqualTo(2));
        JsonNode plan = deployment.path("plan");
        assertThat(plan.path("waves").toString()).isEqualTo("[{\"selector\":\"kind=hub\",\"percent\":null,"
                + "\"bakeSeconds\":null},{\"selector\":\"region in (eu)\",\"percent\":null,\"bakeSeconds\":null},"
                + "{\"selector\":null,\"percent\":100,\"bakeSeconds\":null}]");
        assertThat(plan.path("maxFailedPercent").asInt()).isEqualTo(10);
        assertThat(plan.path("offline").asString()).isEqualTo("converge");
        assertThat(plan.path("bakeSeconds").asInt()).isEqualTo(5);
        RunningRegistry.succeed(deployment.path("id").asLong());

        Cli.Result bad = cli.run("deploy", service, "1", "--selector", "region in eu", "--no-wait");
        assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(ExitCodes.REFUSED);
        assertThat(bad.err()).isEqualTo("rtml: selector: selector 'region in eu' is not valid at position 11: expected"
                + " '(' to open the list of values (VALIDATION_FAILED)\n");
    }

    @Test
    void theOutcomeOfADeploymentInWavesShowsEachWaveWithItsTimesAndEachTargetsConvergeStatus() throws Exception {
        // plays the deployer: once the request is recorded, it ends SUCCEEDED with the target left to converge
        Thread deployer = new Thread(() -> {
            Long id = null;
            while (id == null) {
                id = RunningRegistry.jdbc().query("SELECT d.id FROM deployment d JOIN service s ON s.id = d.service_id"
                        + " WHERE s.name = ?", rs -> rs.next() ? rs.getLong(1) : null, service);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
            long deployment = id;
            RunningRegistry.succeed(deployment, jdbc -> {
                jdbc.update("UPDATE deployment_target SET status = 'PENDING', error = 'marked DOWN by the health probes,"
                        + " left to converge when it answers (not called)' WHERE deployment_id = ?", deployment);
                jdbc.update("INSERT INTO deployment_wave (deployment_id, wave, started_at, finished_at)"
                        + " VALUES (?, 1, '2026-12-07T03:00:00Z', '2026-12-07T03:00:01.250Z')", deployment);
            });
        });
        deployer.start();

        Cli.Result result = cli.run("deploy", service, "1", "--targets", target, "--waves", "kind=hub;100%",
                "--bake", "60s", "--offline", "converge", "--timeout", "30s");
        deployer.join();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.err()).contains("  wave 2 (100%): finished in 1250 ms: 0 active, 0 failed, 0 reverted,"
                + " 1 pending\n");
        assertThat(result.out())
                .containsPattern("WAVE\\s+TARGETS BY\\s+TARGETS\\s+ACTIVE\\s+FAILED\\s+REVERTED\\s+PENDING\\s+STARTED"
                        + "\\s+FINISHED\\s+DURATION")
                .containsPattern("\n1\\s+kind=hub\\s+0\\s+0\\s+0\\s+0\\s+0\\s+-\\s+-\\s+- \\+ bake 60s\\s*\n")
                .containsPattern("\n2\\s+100%\\s+1\\s+0\\s+0\\s+0\\s+1\\s+2026-12-07T03:00:00Z\\s+"
                        + "2026-12-07T03:00:01.250Z\\s+1250 ms\\s*\n")
                .containsPattern(target + "\\s+2\\s+PENDING\\s+-\\s+waiting\\s+marked DOWN by the health probes");
    }

    @Test
    void anUndeployAsksForTheOfflinePolicyAndABadOneIsRefused() {
        RunningRegistry.succeed(Json.parse(cli.run("deploy", service, "1", "--targets", target, "--no-wait",
                "-o", "json").out(), "stdout").path("id").asLong());

        Cli.Result bad = cli.run("services", "undeploy", service, "--targets", target, "--offline", "later", "--no-wait");
        assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(ExitCodes.REFUSED);
        assertThat(bad.err()).startsWith("rtml: ").endsWith("(VALIDATION_FAILED)\n").contains("offline");

        Cli.Result result = cli.run("services", "undeploy", service, "--targets", target, "--offline", "converge",
                "--no-wait", "-o", "json");
        assertThat(result.exitCode()).as(result.toString()).isZero();
        JsonNode undeploy = Json.parse(result.out(), "stdout");
        assertThat(undeploy.path("kind").asString()).isEqualTo("UNDEPLOY");
        assertThat(undeploy.path("plan").path("offline").asString()).isEqualTo("converge");
    }

    @Test
    void promoteAndAbortOfADeploymentThatIsNotRollingOutAreConflicts() {
        JsonNode deployment = Json.parse(cli.run("deploy", service, "1", "--targets", target, "--no-wait", "-o",
                "json").out(), "stdout");
        String id = deployment.path("id").asString();

        Cli.Result promote = cli.run("promote", service, id);
        assertThat(promote.exitCode()).as(promote.toString()).isEqualTo(ExitCodes.REFUSED);
        assertThat(promote.err()).endsWith("(NOT_ROLLING_OUT)\n");
        assertThat(cli.run("abort", service, id).err()).endsWith("(NOT_ROLLING_OUT)\n");
    }

    @Test
    void aRollbackAsksForTheOfflinePolicy() {
        RunningRegistry.succeed(Json.parse(cli.run("deploy", service, "1", "--targets", target, "--no-wait",
                "-o", "json").out(), "stdout").path("id").asLong());

        Cli.Result result = cli.run("rollback", service, "--to", "1", "--offline", "converge", "--no-wait", "-o",
                "json");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        JsonNode rollback = Json.parse(result.out(), "stdout");
        assertThat(rollback.path("version").asInt()).isEqualTo(1);
        assertThat(rollback.path("plan").path("offline").asString()).isEqualTo("converge");
    }

    @Test
    void rollbackOfAServiceThatRunsNowhereIsRefused() {
        Cli.Result result = cli.run("rollback", service);

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.REFUSED);
        assertThat(result.err()).isEqualTo("rtml: service '" + service + "' runs nowhere yet (NOTHING_TO_ROLL_BACK)\n");
    }

    @Test
    void targetsListShowsTheRegisteredTarget() {
        Cli.Result list = cli.run("targets", "list");
        assertThat(list.exitCode()).as(list.toString()).isZero();
        assertThat(list.out()).containsPattern(target + "\\s+EDGE\\s+eu\\s+UNKNOWN\\s+http://127.0.0.1:9");

        JsonNode targets = Json.parse(cli.run("targets", "list", "-o", "json").out(), "stdout");
        assertThat(targets.valueStream().map(t -> t.path("name").asString())).contains(target);
    }
}
