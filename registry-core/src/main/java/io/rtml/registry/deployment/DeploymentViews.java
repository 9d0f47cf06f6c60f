package io.rtml.registry.deployment;

import io.rtml.registry.target.Target;
import io.rtml.registry.target.TargetRepository;
import java.sql.Timestamp;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Builds deployment responses with their per-target progress in two queries, whatever the page size,
 * and a third for the wave times when a deployment of the page has a plan.
 */
@Component
public class DeploymentViews {

    /** deployment_wave is the deployer's record (V020), read here only. */
    private static final String WAVE_TIMES = """
            SELECT deployment_id, wave, started_at, finished_at FROM deployment_wave WHERE deployment_id = ANY(?)""";

    private final DeploymentTargetRepository deploymentTargets;
    private final TargetRepository targets;
    private final JdbcTemplate jdbc;

    DeploymentViews(DeploymentTargetRepository deploymentTargets, TargetRepository targets, JdbcTemplate jdbc) {
        this.deploymentTargets = deploymentTargets;
        this.targets = targets;
        this.jdbc = jdbc;
    }

    public List<DeploymentResponse> of(List<Deployment> rows, String serviceName) {
        return of(rows, d -> serviceName);
    }

    /** Deployments of several services (a gallery page): {@code serviceName} names the service of each. */
    public List<DeploymentResponse> of(List<Deployment> rows, Function<Deployment, String> serviceName) {
        if (rows.isEmpty()) {
            return List.of();
        }
        List<DeploymentTarget> progress = deploymentTargets.findByKeyDeploymentIdIn(rows.stream().map(Deployment::id).toList());
        Map<Long, String> names = targets.findAllById(progress.stream().map(DeploymentTarget::targetId).distinct().toList())
                .stream().collect(Collectors.toMap(Target::id, Target::name));
        Map<Long, List<DeploymentTarget>> byDeployment = progress.stream()
                .collect(Collectors.groupingBy(dt -> dt.key().deploymentId()));
        Map<Long, Map<Integer, DeploymentResponse.WaveProgress.Times>> times = waveTimes(rows);
        return rows.stream().map(d -> d.toResponse(serviceName.apply(d), byDeployment.getOrDefault(d.id(), List.of()).stream()
                        .map(dt -> dt.toProgress(names.getOrDefault(dt.targetId(), "?"), d.waved()))
                        .sorted(Comparator.comparing(DeploymentResponse.TargetProgress::target))
                        .toList(), times.getOrDefault(d.id(), Map.of())))
                .toList();
    }

    private Map<Long, Map<Integer, DeploymentResponse.WaveProgress.Times>> waveTimes(List<Deployment> rows) {
        Long[] waved = rows.stream().filter(Deployment::waved).map(Deployment::id).toArray(Long[]::new);
        Map<Long, Map<Integer, DeploymentResponse.WaveProgress.Times>> times = new HashMap<>();
        if (waved.length > 0) {
            jdbc.query(WAVE_TIMES, rs -> {
                Timestamp finished = rs.getTimestamp("finished_at");
                times.computeIfAbsent(rs.getLong("deployment_id"), id -> new HashMap<>()).put(rs.getInt("wave"),
                        new DeploymentResponse.WaveProgress.Times(rs.getTimestamp("started_at").toInstant(),
                                finished == null ? null : finished.toInstant()));
            }, (Object) waved);
        }
        return times;
    }
}
