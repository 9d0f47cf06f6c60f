package io.rtml.deployer.job;

import io.rtml.deployer.DeployerProperties;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Which targets the health probes hold DOWN now, for a deployment with {@code offline: converge}:
 * those are left PENDING without a call, instead of spending a connect timeout on a node known to
 * be out of reach. Only a fresh mark counts: {@code health = 'DOWN'} recorded by a probe round
 * ({@code target.health_checked_at}) within the last two reconcile intervals, so one late or
 * failed round does not turn the rule off, while a mark left from long ago (probes stopped, or
 * every deployer was down) does not keep a target that is reachable now from being tried. With
 * reconciliation off nothing probes, so no mark is trusted. UNKNOWN (never probed) is tried.
 *
 * <p>A target that came back since its last probe is still left PENDING; the next probe round
 * sees it answer and reconciliation brings it the version, so it converges within one probe
 * interval either way.
 */
@Component
class ProbedDown {

    private static final String DOWN = """
            SELECT id FROM target WHERE id = ANY(?) AND health = 'DOWN'
              AND health_checked_at > now() - make_interval(secs => ?)""";

    private final JdbcTemplate jdbc;
    private final Duration freshFor;

    ProbedDown(JdbcTemplate jdbc, DeployerProperties properties) {
        this.jdbc = jdbc;
        this.freshFor = properties.reconcileInterval().multipliedBy(2);
    }

    /** The ids among {@code targets} marked DOWN by a recent probe round; empty when reconciliation is off. */
    Set<Long> among(List<JobTarget> targets) {
        if (freshFor.isZero() || targets.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(jdbc.queryForList(DOWN, Long.class,
                targets.stream().map(JobTarget::id).toArray(Long[]::new), freshFor.toMillis() / 1000.0));
    }

    /** The reason a target left PENDING without a call carries. */
    static String reason() {
        return "marked DOWN by the health probes, left to converge when it answers (not called)";
    }
}
