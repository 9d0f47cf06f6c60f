package io.rtml.cli;

import static io.rtml.cli.RegistryClient.segment;

import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code rtml deploy SERVICE VERSION}: asks for a deployment and, unless {@code --no-wait}, follows it to its end. */
@Command(name = "deploy", mixinStandardHelpOptions = true,
        description = "Deploy a version (number or alias) of the service's model to targets, and wait for the outcome.")
final class DeployCommand extends DeploymentCommand {

    @Parameters(index = "0", paramLabel = "SERVICE")
    String service;

    @Parameters(index = "1", paramLabel = "VERSION|ALIAS")
    String version;

    @Option(names = "--targets", split = ",", paramLabel = "NAME", description = "Target names (default: all targets).")
    List<String> targets;

    @Option(names = "--kind", paramLabel = "HUB|EDGE", description = "Only targets of this kind.")
    String kind;

    @Option(names = "--region", paramLabel = "REGION", description = "Only targets in this region.")
    String region;

    @Option(names = "--selector", paramLabel = "SELECTOR",
            description = "Only targets whose labels match (e.g. 'tier=edge,region in (eu,us)'; kind, name and region count).")
    String selector;

    @Option(names = "--waves", paramLabel = "WAVES",
            description = "Deploy in ordered waves, separated by ';': a selector or a cumulative share (e.g. 'kind=hub;canary=true;25%;100%').")
    String waves;

    @Option(names = "--max-failed", paramLabel = "PERCENT",
            description = "Abort, rolling the switched waves back, once more than this share of targets failed (default 0).")
    Integer maxFailed;

    @Option(names = "--offline", paramLabel = "fail|converge",
            description = "converge: unreachable targets are left pending and get the version when they come back.")
    String offline;

    @Option(names = "--allow-signature-change",
            description = "Deploy even when the version's inputs or outputs break the callers of the active version.")
    boolean allowSignatureChange;

    @Option(names = "--canary", split = ",", paramLabel = "PERCENT",
            description = "Roll out in steps: the candidate's share of requests per step, ending at 100 (e.g. 5,25,100).")
    List<Integer> canary;

    @Option(names = "--linear", paramLabel = "PERCENT",
            description = "Roll out in equal steps of this many percent up to 100.")
    Integer linear;

    @Option(names = "--shadow", paramLabel = "PERCENT",
            description = "Only shadow: this share of requests is scored by the candidate too, after the reply; it never serves.")
    Integer shadow;

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

    @Override
    int run() throws InterruptedException {
        ObjectNode body = Json.object();
        if (version.matches("\\d+")) {
            body.put("version", Integer.parseInt(version));
        } else {
            body.put("alias", version);
        }
        if (targets != null && (kind != null || region != null)) {
            throw CliException.usage("give either --targets or --kind/--region, not both");
        }
        if (targets != null) {
            ArrayNode names = body.putArray("targets");
            targets.forEach(names::add);
        } else if (kind != null || region != null) {
            body.putObject("targets").put("kind", kind).put("region", region);
        }
        if (selector != null) {
            body.put("selector", selector);
        }
        if (allowSignatureChange) {
            body.put("allowSignatureChange", true);
        }
        boolean planned = waves != null || maxFailed != null || offline != null;
        if (planned) {
            plan(body);
        }
        strategy(body, planned);
        RegistryClient client = client();
        return follow(client, request(client, body));
    }

    /** The fleet options as the request's wave plan; the registry validates it. */
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

    /** The rollout options as the request's {@code strategy} and {@code guardrails}; the registry validates them. */
    private void strategy(ObjectNode body, boolean planned) {
        long given = (canary != null ? 1 : 0) + (linear != null ? 1 : 0) + (shadow != null ? 1 : 0);
        if (given > 1) {
            throw CliException.usage("give one of --canary, --linear and --shadow");
        }
        boolean guarded = maxErrorRatio != null || maxP99 != null || maxPsi != null || minRequests != null;
        if (given == 0) {
            if ((bake != null && !planned) || duration != null || guarded) {
                throw CliException.usage("--bake, --duration and the guardrails need --canary, --linear or --shadow");
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

    private RegistryClient.Response request(RegistryClient client, ObjectNode body) {
        try {
            return client.post("/api/v1/services/" + segment(service) + "/deployments", body);
        } catch (CliException e) {
            if ("SIGNATURE_INCOMPATIBLE".equals(e.problemCode())) {
                throw new CliException(e.exitCode(), e.getMessage()
                        + "\n  give --allow-signature-change to deploy it anyway", e.problemCode());
            }
            throw e;
        }
    }
}
