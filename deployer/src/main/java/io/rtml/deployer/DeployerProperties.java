package io.rtml.deployer;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

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
 * @param defaultNodeToken admin token for targets whose {@code admin_token_ref} is null; only for
 *     targets registered before node credentials (the others get their own, see NodeTokens)
 * @param nodeTokens admin tokens by {@code admin_token_ref} ({@code rtml.deployer.node-tokens.eu=…}),
 *     likewise only for such targets
 */
@ConfigurationProperties("rtml.deployer")
public record DeployerProperties(String instanceId, @DefaultValue("50ms") Duration pollInterval,
        @DefaultValue("10s") Duration lease, @DefaultValue("3") int maxAttempts, @DefaultValue("4") int concurrency,
        @DefaultValue("5s") Duration reconcileInterval, @DefaultValue("2s") Duration connectTimeout,
        @DefaultValue("5m") Duration stageTimeout, @DefaultValue("2s") Duration stageWait,
        @DefaultValue("10s") Duration callTimeout, String defaultNodeToken,
        @DefaultValue Map<String, String> nodeTokens) {

    public DeployerProperties {
        // Not a @DefaultValue: unique per process, so computed.
        instanceId = instanceId == null || instanceId.isBlank() ? defaultInstanceId() : instanceId;
        nodeTokens = Map.copyOf(nodeTokens);
        if (pollInterval.isNegative() || pollInterval.isZero() || lease.toMillis() < 100 || maxAttempts < 1
                || concurrency < 1 || reconcileInterval.isNegative() || stageWait.toMillis() < 10) {
            throw new IllegalArgumentException("invalid rtml.deployer settings: poll-interval and lease must be"
                    + " positive (lease >= 100ms), max-attempts and concurrency >= 1, reconcile-interval >= 0,"
                    + " stage-wait >= 10ms");
        }
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
                + reconcileInterval + ", nodeTokens=" + nodeTokens.keySet() + "]";
    }
}
