package io.rtml.cli;

import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * How a deployment reaches its targets, as options: a strategy (--canary, --linear, --shadow) with its
 * guardrails, a wave plan (--waves, --max-failed, --offline), or --all-at-once. {@code rtml deploy} sends
 * them with the request; {@code rtml services create|update} set them as the service's default rollout.
 * They become the request's rollout fields ({@link #fields}); the registry validates them.
 */
final class RolloutOptions {

    @Option(names = "--waves", paramLabel = "WAVES",
            description = "Deploy in ordered waves, separated by ';': a selector or a cumulative share (e.g. 'kind=hub;canary=true;25%;100%').")
    String waves;

    @Option(names = "--max-failed", paramLabel = "PERCENT",
            description = "Abort, rolling the switched waves back, once more than this share of targets failed (default 0).")
    Integer maxFailed;

    @Option(names = "--offline", paramLabel = "fail|converge",
            description = "converge: unreachable targets are left pending and get the version when they come back.")
    String offline;

    @Option(names = "--canary", split = ",", paramLabel = "PERCENT",
            description = "Roll out in steps: the candidate's share of requests per step, ending at 100 (e.g. 5,25,100).")
    List<Integer> canary;

    @Option(names = "--linear", paramLabel = "PERCENT",
            description = "Roll out in equal steps of this many percent up to 100.")
    Integer linear;

    @Option(names = "--shadow", paramLabel = "PERCENT",
            description = "Only shadow: this share of requests is scored by the candidate too, after the reply; it never serves.")
    Integer shadow;

    @Option(names = "--all-at-once",
            description = "Every target switches at once, whatever the service's default rollout.")
    boolean allAtOnce;

    @Option(names = "--bake", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long each step runs before its decision (default 60s); with --waves, the bake between waves (default 0s).")
    Duration bake;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long a shadow runs (default 10m).")
    Duration duration;

    @Option(names = "--max-error-ratio", paramLabel = "RATIO", description = "Guardrail: the candidate's error ratio.")
    Double maxErrorRatio;

    @Option(names = "--max-p99", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Guardrail: the candidate's p99 latency (e.g. 50ms).")
    Duration maxP99;

    @Option(names = "--max-psi", paramLabel = "PSI", description = "Guardrail: the shift of the candidate's outputs.")
    Double maxPsi;

    @Option(names = "--min-requests", paramLabel = "N", description = "Guardrail: candidate requests a decision needs.")
    Long minRequests;

    /** The options as the rollout fields of a request (empty when none is given), added to {@code body}. */
    ObjectNode fields(ObjectNode body) {
        boolean planned = waves != null || maxFailed != null || offline != null;
        if (planned) {
            plan(body);
        }
        strategy(body, planned);
        return body;
    }

    /** True when any option is given. */
    boolean given() {
        return !fields(Json.object()).isEmpty();
    }

    /** The fleet options as the request's wave plan. */
    private void plan(ObjectNode body) {
        if (waves != null) {
            ArrayNode list = body.putArray("waves");
            for (String wave : waves.split(";")) {
                String w = wave.strip();
                if (w.matches("\\d+%")) {
                    list.addObject().put("percent", Integer.parseInt(w.substring(0, w.length() - 1)));
                } else {
                    list.addObject().put("selector", w);
                }
            }
        }
        if (maxFailed != null) {
            body.put("maxFailedPercent", maxFailed);
        }
        if (offline != null) {
            body.put("offline", offline);
        }
        if (bake != null) {
            body.put("bakeSeconds", bake.toSeconds());
        }
    }

    /** The rollout options as the request's {@code strategy} and {@code guardrails}. */
    private void strategy(ObjectNode body, boolean planned) {
        long given = (canary != null ? 1 : 0) + (linear != null ? 1 : 0) + (shadow != null ? 1 : 0) + (allAtOnce ? 1 : 0);
        if (given > 1) {
            throw CliException.usage("give one of --canary, --linear, --shadow and --all-at-once");
        }
        boolean guarded = maxErrorRatio != null || maxP99 != null || maxPsi != null || minRequests != null;
        if (given == 0 || allAtOnce) {
            if ((bake != null && !planned) || duration != null || guarded) {
                throw CliException.usage("--bake, --duration and the guardrails need --canary, --linear or --shadow");
            }
            if (allAtOnce) {
                body.putObject("strategy").put("type", "all-at-once");
            }
            return;
        }
        ObjectNode strategy = body.putObject("strategy");
        if (shadow != null) {
            strategy.put("type", "shadow").put("percent", shadow)
                    .put("durationSeconds", (duration == null ? Duration.ofMinutes(10) : duration).toSeconds());
        } else {
            strategy.put("type", canary != null ? "canary" : "linear");
            if (canary != null) {
                ArrayNode steps = strategy.putArray("steps");
                canary.forEach(steps::add);
            } else {
                strategy.put("stepPercent", linear);
            }
            strategy.put("bakeSeconds", (bake == null ? Duration.ofSeconds(60) : bake).toSeconds());
        }
        if (guarded) {
            ObjectNode guardrails = body.putObject("guardrails");
            if (maxErrorRatio != null) {
                guardrails.put("maxErrorRatio", maxErrorRatio);
            }
            if (maxP99 != null) {
                guardrails.put("maxP99Millis", (double) maxP99.toMillis());
            }
            if (maxPsi != null) {
                guardrails.put("maxPsi", maxPsi);
            }
            if (minRequests != null) {
                guardrails.put("minRequests", minRequests);
            }
        }
    }
}
