package io.rtml.registry.deployment;

import io.rtml.registry.target.Target;
import io.rtml.registry.target.TargetRepository;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/** Builds deployment responses with their per-target progress in two queries, whatever the page size. */
@Component
public class DeploymentViews {

    private final DeploymentTargetRepository deploymentTargets;
    private final TargetRepository targets;

    DeploymentViews(DeploymentTargetRepository deploymentTargets, TargetRepository targets) {
        this.deploymentTargets = deploymentTargets;
        this.targets = targets;
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
        return rows.stream().map(d -> d.toResponse(serviceName.apply(d), byDeployment.getOrDefault(d.id(), List.of()).stream()
                        .map(dt -> dt.toProgress(names.getOrDefault(dt.targetId(), "?"), d.waved()))
                        .sorted(Comparator.comparing(DeploymentResponse.TargetProgress::target))
                        .toList()))
                .toList();
    }
}
