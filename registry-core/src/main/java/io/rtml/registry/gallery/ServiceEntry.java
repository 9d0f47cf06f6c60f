package io.rtml.registry.gallery;

import io.rtml.registry.deployment.RolloutChoice;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A gallery entry: the stable name applications call, bound to one registered model. */
@Entity
@Table(name = "service")
public class ServiceEntry {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    private String name;
    private Long modelId;
    /** The model whose versions targets still run after a rebind, until they are deployed again; null otherwise. */
    private Long reboundFromModelId;
    /** The alias of its model this service follows: when it moves, its new version is deployed; null: none. */
    private String followAlias;
    private String description;
    /** Label selector of the targets the service follows (continuous deployment); null: none. */
    private String selector;
    /** How a deployment that names no rollout reaches the targets ({@link RolloutChoice} as JSON); null: at once. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(columnDefinition = "jsonb")
    private String defaultRollout;
    private Instant createdAt;
    private String createdBy;

    protected ServiceEntry() {}

    ServiceEntry(String name, Long modelId, String description, String createdBy, Instant now) {
        this.name = name;
        this.modelId = modelId;
        this.description = description;
        this.createdBy = createdBy;
        this.createdAt = now;
    }

    /**
     * Binds the service to another model; what runs on the nodes is untouched until the next deployment.
     * {@code runningModelId}: the model whose versions the targets run now (null when none runs anything).
     */
    void rebind(Long modelId, Long runningModelId) {
        this.modelId = modelId;
        this.reboundFromModelId = runningModelId;
    }

    /** Sets or clears (null) the selector the service follows; checked by the caller. */
    void select(String selector) {
        this.selector = selector;
    }

    public String selector() {
        return selector;
    }

    void follow(String alias) {
        this.followAlias = alias;
    }

    /** The alias of its model whose moves this service deploys; null when it follows none. */
    public String followAlias() {
        return followAlias;
    }

    /** Sets or clears (null) the default rollout; checked by the caller. */
    void defaultRollout(RolloutChoice rollout) {
        this.defaultRollout = rollout == null ? null : rollout.toJson();
    }

    /** The rollout of a deployment that names none (alias follows included); null: every target at once. */
    public RolloutChoice defaultRollout() {
        return RolloutChoice.fromJson(defaultRollout);
    }

    public Long id() {
        return id;
    }

    public String name() {
        return name;
    }

    public Long modelId() {
        return modelId;
    }

    /** The model whose versions the targets a rebind left alone still run; null when there is none. */
    public Long reboundFromModelId() {
        return reboundFromModelId;
    }

    String description() {
        return description;
    }

    Instant createdAt() {
        return createdAt;
    }

    String createdBy() {
        return createdBy;
    }
}
