package io.rtml.registry.model;

import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;

/** A movable name (champion, challenger) for one version of a model. */
@Entity
@Table(name = "model_alias")
class ModelAlias {

    @Embeddable
    record Key(Long modelId, String alias) {}

    @EmbeddedId
    private Key key;

    private int version;
    private Instant updatedAt;
    private String updatedBy;

    protected ModelAlias() {}

    ModelAlias(Long modelId, String alias, int version, String updatedBy, Instant now) {
        this.key = new Key(modelId, alias);
        point(version, updatedBy, now);
    }

    void point(int version, String updatedBy, Instant now) {
        this.version = version;
        this.updatedBy = updatedBy;
        this.updatedAt = now;
    }

    Long modelId() {
        return key.modelId();
    }

    String alias() {
        return key.alias();
    }

    int version() {
        return version;
    }
}
