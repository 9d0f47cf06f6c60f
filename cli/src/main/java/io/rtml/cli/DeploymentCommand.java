package io.rtml.cli;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/**
 * What deploy and rollback share: after the 202, poll the deployment's Location until it ends,
 * printing each move of the deployment and of each target on stderr, and exit 0 only on SUCCEEDED.
 */
abstract class DeploymentCommand extends ApiCommand {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(150);
    private static final List<String> FINAL = List.of("SUCCEEDED", "FAILED", "ROLLED_BACK", "SHADOWED");

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long to wait for the end (default 120s, plus every bake of a rollout; e.g. 30s, 500ms, 5m).")
    Duration timeout;

    @Option(names = "--no-wait", description = "Print the accepted deployment and return at once.")
    boolean noWait;

    int follow(RegistryClient client, RegistryClient.Response accepted) throws InterruptedException {
        JsonNode deployment = accepted.json();
        String id = Json.text(deployment, "id");
        if (noWait) {
            print(deployment);
            return ExitCodes.OK;
        }
        String location = accepted.headers().firstValue("Location").orElseThrow(() -> new CliException(
                ExitCodes.UNEXPECTED, "the registry accepted deployment " + id + " without a Location to follow"));
        err().println("Deployment " + id + ": " + Json.text(deployment, "kind") + " of " + Json.text(deployment, "service")
                + " version " + Json.text(deployment, "version") + ", " + Json.text(deployment, "status"));
        err().flush();
        Map<String, String> seen = new HashMap<>();
        Duration wait = timeout != null ? timeout : Duration.ofSeconds(120).plus(rolloutTime(deployment.path("strategy")));
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            report(deployment, seen);
            String status = Json.text(deployment, "status");
            if (FINAL.contains(status)) {
                print(deployment);
                if (!wanted(status)) {
                    String error = Json.text(deployment, "error");
                    throw new CliException(ExitCodes.DEPLOYMENT_FAILED,
                            "deployment " + id + " ended " + status + (error == null ? "" : ": " + error));
                }
                return ExitCodes.OK;
            }
            if (System.nanoTime() >= deadline) {
                if (json()) {
                    printJson(deployment);
                }
                throw new CliException(ExitCodes.DEPLOYMENT_FAILED, "deployment " + id + " is still " + status + " after "
                        + wait.toMillis() / 1000.0 + "s; it goes on in the registry: " + client.resolve(location));
            }
            Thread.sleep(POLL_INTERVAL.toMillis());
            deployment = client.get(location);
        }
    }

    /** The final statuses this command exits 0 on: a deployment that went through (or a shadow that ran). */
    boolean wanted(String finalStatus) {
        return "SUCCEEDED".equals(finalStatus) || "SHADOWED".equals(finalStatus);
    }

    /** The longest a rollout bakes when nothing waits for more requests: every step's bake, or the shadow's duration. */
    private static Duration rolloutTime(JsonNode strategy) {
        if (strategy == null || strategy.isNull() || strategy.isMissingNode()) {
            return Duration.ZERO;
        }
        if ("shadow".equals(Json.text(strategy, "type"))) {
            return Duration.ofSeconds(Json.wholeNumber(strategy, "durationSeconds", 0));
        }
        return Duration.ofSeconds(Json.wholeNumber(strategy, "bakeSeconds", 0) * strategy.path("steps").size());
    }

    /**
     * One stderr line per change: the deployment's status, then each target's, then for a rollout each
     * step as it starts and each decision with its measurements.
     */
    private void report(JsonNode deployment, Map<String, String> seen) {
        String status = Json.text(deployment, "status");
        String previous = seen.put("", status);
        if (previous != null && !previous.equals(status)) {
            err().println("  " + status);
        }
        JsonNode rollout = deployment.path("rollout");
        if (rollout.isObject()) {
            reportRollout(rollout, seen);
        }
        reportWaves(deployment.path("waves"), seen);
        for (JsonNode t : deployment.path("targets")) {
            String target = Json.text(t, "target");
            String line = Json.text(t, "status") + (Json.text(t, "error") == null ? "" : ": " + Json.text(t, "error"));
            if (!line.equals(seen.put("target:" + target, line))) {
                err().println("  " + target + ": " + line);
            }
        }
        err().flush();
    }

    /** One line when a wave starts, and one when it finishes (its counts, duration, and the bake that follows). */
    private void reportWaves(JsonNode waves, Map<String, String> seen) {
        for (JsonNode w : waves) {
            String n = Json.text(w, "wave");
            String line = Json.text(w, "finishedAt") != null
                    ? "finished in " + Json.text(w, "durationMs") + " ms: " + counts(w)
                            + (w.path("bakeSeconds").asInt(0) > 0 ? "; bakes " + Json.text(w, "bakeSeconds") + "s" : "")
                    : Json.text(w, "startedAt") != null ? "started on " + Json.text(w, "targets") + " targets" : null;
            if (line != null && !line.equals(seen.put("wave:" + n, line))) {
                err().println("  wave " + n + " (" + chooser(w) + "): " + line);
            }
        }
    }

    private static String chooser(JsonNode wave) {
        return Json.text(wave, "selector") != null ? Json.text(wave, "selector") : Json.text(wave, "percent") + "%";
    }

    private static String counts(JsonNode wave) {
        return Json.text(wave, "active") + " active, " + Json.text(wave, "failed") + " failed, "
                + Json.text(wave, "reverted") + " reverted, " + Json.text(wave, "pending") + " pending";
    }

    private void reportRollout(JsonNode rollout, Map<String, String> seen) {
        JsonNode decisions = rollout.path("decisions");
        int shown = Integer.parseInt(seen.getOrDefault("decisions", "0"));
        for (int i = shown; i < decisions.size(); i++) {
            JsonNode d = decisions.get(i);
            err().println("  decision at " + Json.text(d, "percent") + "%: " + Json.text(d, "action") + " ("
                    + Json.text(d, "by") + "): " + Json.text(d, "reason"));
        }
        seen.put("decisions", String.valueOf(decisions.size()));
        String step = Json.text(rollout, "stepStartedAt") == null ? null
                : "step " + (Json.wholeNumber(rollout, "step", 0) + 1) + ": " + Json.text(rollout, "percent") + "% to the candidate";
        if (step != null && !step.equals(seen.put("step", step))) {
            err().println("  " + step);
        }
        String waiting = Json.text(rollout, "waiting");
        if (waiting != null && !waiting.equals(seen.put("waiting", waiting))) {
            err().println("  waiting: " + waiting);
        }
    }

    private void print(JsonNode deployment) {
        if (json()) {
            printJson(deployment);
            return;
        }
        String ms = Json.text(deployment, "durationMs");
        out().println("Deployment " + Json.text(deployment, "id") + " " + Json.text(deployment, "status") + ": "
                + Json.text(deployment, "kind") + " of " + Json.text(deployment, "service") + " version "
                + Json.text(deployment, "version") + (ms == null ? "" : " in " + ms + " ms"));
        JsonNode waves = deployment.path("waves");
        if (!waves.isArray()) {
            Table table = new Table("TARGET", "STATUS", "PREVIOUS", "ERROR");
            for (JsonNode t : deployment.path("targets")) {
                table.row(Json.text(t, "target"), Json.text(t, "status"), Json.text(t, "previousVersion"),
                        Json.text(t, "error"));
            }
            table.print(out());
            return;
        }
        Table table = new Table("WAVE", "TARGETS BY", "TARGETS", "ACTIVE", "FAILED", "REVERTED", "PENDING", "STARTED",
                "FINISHED", "DURATION");
        for (JsonNode w : waves) {
            String took = Json.text(w, "durationMs");
            String bake = w.path("bakeSeconds").asInt(0) > 0 ? " + bake " + Json.text(w, "bakeSeconds") + "s" : "";
            table.row(Json.text(w, "wave"), chooser(w), Json.text(w, "targets"), Json.text(w, "active"),
                    Json.text(w, "failed"), Json.text(w, "reverted"), Json.text(w, "pending"), orDash(w, "startedAt"),
                    orDash(w, "finishedAt"), (took == null ? "-" : took + " ms") + bake);
        }
        table.print(out());
        boolean over = FINAL.contains(Json.text(deployment, "status"));
        Table targets = new Table("TARGET", "WAVE", "STATUS", "PREVIOUS", "CONVERGE", "ERROR");
        for (JsonNode t : deployment.path("targets")) {
            targets.row(Json.text(t, "target"), Json.text(t, "wave"), Json.text(t, "status"),
                    Json.text(t, "previousVersion"), converge(t, over), Json.text(t, "error"));
        }
        targets.print(out());
    }

    /**
     * A target's converge status: when it converged; "waiting" for one a finished deployment left
     * PENDING (unreachable, reconciliation brings it when it answers); empty otherwise.
     */
    static String converge(JsonNode target, boolean deploymentOver) {
        String at = Json.text(target, "convergedAt");
        if (at != null) {
            return "converged " + at;
        }
        return deploymentOver && "PENDING".equals(Json.text(target, "status")) ? "waiting" : null;
    }

    private static String orDash(JsonNode node, String field) {
        String text = Json.text(node, field);
        return text == null ? "-" : text;
    }
}
