package io.rtml.registry.artifact;

import io.rtml.artifact.ArtifactStore;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/** Reports the artifact bucket as {@code /actuator/health} component {@code artifactStore}. */
@Component
class ArtifactStoreHealthIndicator extends AbstractHealthIndicator {

    private final ArtifactStore store;

    ArtifactStoreHealthIndicator(ArtifactStore store) {
        super("artifact store is not reachable");
        this.store = store;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        store.ping();
        builder.up().withDetail("bucket", store.bucket());
    }
}
