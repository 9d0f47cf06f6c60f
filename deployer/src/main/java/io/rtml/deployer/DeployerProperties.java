package io.rtml.deployer;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.convert.DurationStyle;

/**
 * Settings of the deployer ({@code rtml.deployer.*}; as environment variables upper-case them and
 * replace '.' and '-' with '_': {@code RTML_DEPLOYER_POLL_INTERVAL}). docs/deployer.md lists them.
 *
 * @param instanceId name of this deployer in {@code deployment.claimed_by} and audit rows (default
 *     host name, pid and a random suffix: unique per process)
 * @param pollInterval how often the queue is polled when it was empty (default 50ms)
 * @param lease how long a claim lasts unless renewed; a crashed deployer's job is picked up by
 *     another this long after its last renewal (default 10s)
 * @param maxAttempts claims of one deployment before it is given up and failed (default 3)
 * @param concurrency deployments of different services run at once by this instance (default 4)
 * @param reconcileInterval how often targets are probed and drift repaired (default 5s; 0 = off)
 * @param connectTimeout TCP connect timeout to scoring nodes (default 2s)
 * @param stageTimeout longest stage on one node, download, load and warm-up included (default 5m)
 * @param stageWait how long one stage call lets the node work before it answers "still staging"
 *     and is asked again (default 2s); a node that dies or hangs mid-stage is noticed within
 *     stage-wait + call-timeout, not stage-timeout
 * @param callTimeout longest wait for one answer from a node: activate, state, health, and a stage
 *     call beyond its stage-wait (default 10s)
 * @param maxCallsInFlight HTTP calls to scoring nodes in flight at once, over every deployment,
 *     probe and repair of this instance; more wait their turn without holding a thread (default 256)
 * @param defaultNodeToken admin token for targets whose {@code admin_token_ref} is null; only for
 *     targets registered before node credentials (the others get their own, see NodeTokens)
 * @param nodeTokens admin tokens by {@code admin_token_ref} ({@code rtml.deployer.node-tokens.eu=…}),
 *     likewise only for such targets
 */
@ConfigurationProperties("rtml.deployer")
public record DeployerProperties(String instanceId, @DefaultValue(POLL_INTERVAL) Duration pollInterval,
        @DefaultValue(LEASE) Duration lease, @DefaultValue(MAX_ATTEMPTS) Integer maxAttempts,
        @DefaultValue(CONCURRENCY) Integer concurrency, @DefaultValue(RECONCILE_INTERVAL) Duration reconcileInterval,
        @DefaultValue(CONNECT_TIMEOUT) Duration connectTimeout, @DefaultValue(STAGE_TIMEOUT) Duration stageTimeout,
        @DefaultValue(STAGE_WAIT) Duration stageWait, @DefaultValue(CALL_TIMEOUT) Duration callTimeout,
        @DefaultValue(MAX_CALLS_IN_FLIGHT) Integer maxCallsInFlight, String defaultNodeToken, @DefaultValue Map<String, String> nodeTokens) {

    // Each default once: @DefaultValue applies when a setting is absent, the constructor when it is
    // set but blank (RTML_DEPLOYER_LEASE= binds null), as it always did.
    static final String POLL_INTERVAL = "50ms";
    static final String LEASE = "10s";
    static final String MAX_ATTEMPTS = "3";
    static final String CONCURRENCY = "4";
    static final String RECONCILE_INTERVAL = "5s";
    static final String CONNECT_TIMEOUT = "2s";
    static final String STAGE_TIMEOUT = "5m";
    static final String STAGE_WAIT = "2s";
    static final String CALL_TIMEOUT = "10s";
    static final String MAX_CALLS_IN_FLIGHT = "256";

    public DeployerProperties {
        // Not a @DefaultValue: unique per process, so computed.
        instanceId = instanceId == null || instanceId.isBlank() ? defaultInstanceId() : instanceId;
        pollInterval = orDefault(pollInterval, POLL_INTERVAL);
        lease = orDefault(lease, LEASE);
        maxAttempts = maxAttempts == null ? Integer.valueOf(MAX_ATTEMPTS) : maxAttempts;
        concurrency = concurrency == null ? Integer.valueOf(CONCURRENCY) : concurrency;
        reconcileInterval = orDefault(reconcileInterval, RECONCILE_INTERVAL);
        connectTimeout = orDefault(connectTimeout, CONNECT_TIMEOUT);
        stageTimeout = orDefault(stageTimeout, STAGE_TIMEOUT);
        stageWait = orDefault(stageWait, STAGE_WAIT);
        callTimeout = orDefault(callTimeout, CALL_TIMEOUT);
        maxCallsInFlight = maxCallsInFlight == null ? Integer.valueOf(MAX_CALLS_IN_FLIGHT) : maxCallsInFlight;
        nodeTokens = nodeTokens == null ? Map.of() : Map.copyOf(nodeTokens);
        if (pollInterval.isNegative() || pollInterval.isZero() || lease.toMillis() < 100 || maxAttempts < 1
                || concurrency < 1 || reconcileInterval.isNegative() || stageWait.toMillis() < 10
                || maxCallsInFlight < 1) {
            throw new IllegalArgumentException("invalid rtml.deployer settings: poll-interval and lease must be"
                    + " positive (lease >= 100ms), max-attempts, concurrency and max-calls-in-flight >= 1,"
                    + " reconcile-interval >= 0, stage-wait >= 10ms");
        }
    }

    private static Duration orDefault(Duration value, String fallback) {
        return value == null ? DurationStyle.detectAndParse(fallback) : value;
    }

    private static String defaultInstanceId() {
        String runtime = ManagementFactory.getRuntimeMXBean().getName(); // pid@host
        return runtime + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Override
    public String toString() {
        // Never print the tokens.
        return "DeployerProperties[instanceId=" + instanceId + ", pollInterval=" + pollInterval + ", lease=" + lease
                + ", maxAttempts=" + maxAttempts + ", concurrency=" + concurrency + ", reconcileInterval="
                + reconcileInterval + ", maxCallsInFlight=" + maxCallsInFlight + ", nodeTokens=" + nodeTokens.keySet() + "]";
    }
}
