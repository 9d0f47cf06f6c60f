package io.rtml.registry.deployment;

import io.rtml.deployment.Rollout;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;

/**
 * The guardrails of a rollout whose request leaves them out ({@code rtml.registry.rollout.*}).
 *
 * @param maxErrorRatio the candidate's largest server-error ratio in a step's window (default 0.05)
 * @param maxP99Millis the candidate's largest p99 latency in milliseconds (default unset: not checked)
 * @param maxPsi the largest population stability index of the candidate's output histogram against the
 *     stable version's (default 0.2, the usual "significant shift" line)
 * @param minRequests fewer candidate requests than this in a window: no decision, the step waits
 *     (default 100)
 */
@ConfigurationProperties("rtml.registry.rollout")
public record RolloutDefaults(Double maxErrorRatio, Double maxP99Millis, Double maxPsi, Long minRequests) {

    @ConstructorBinding
    public RolloutDefaults {
        maxErrorRatio = maxErrorRatio == null ? 0.05 : maxErrorRatio;
        maxPsi = maxPsi == null ? 0.2 : maxPsi;
        minRequests = minRequests == null ? 100L : minRequests;
    }

    Rollout.Guardrails guardrails() {
        return new Rollout.Guardrails(maxErrorRatio, maxP99Millis, maxPsi, minRequests);
    }
}
