package io.rtml.registry.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Map;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A named model; its versions hold the artifacts. */
@Entity
@Table(name = "registered_model")
public class RegisteredModel {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    private String name;
    private String description;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(columnDefinition = "jsonb")
    private Map<String, String> tags;

    private int latestVersion;
    private Instant createdAt;
    private String createdBy;
    private Instant updatedAt;

    protected RegisteredModel() {}

    RegisteredModel(String name, String description, Map<String, String> tags, String createdBy, Instant now) {
        this.name = name;
        this.description = description;
        this.tags = Map.copyOf(tags);
        this.createdBy = createdBy;
        this.createdAt = now;
        this.updatedAt = now;
    }

    /** Hands out the next version number; the caller holds the row lock, so numbers never repeat or skip. */
    public int allocateVersionNumber(Instant now) {
        latestVersion++;
        updatedAt = now;
        return latestVersion;
    }

    void describe(String description, Instant now) {
        this.description = description;
        this.updatedAt = now;
    }

    void retag(Map<String, String> tags, Instant now) {
        this.tags = Map.copyOf(tags);
        this.updatedAt = now;
    }

    public Long id() {
        return id;
    }

    public String name() {
        return name;
    }

    String description() {
        return description;
    }

    Map<String, String> tags() {
        return tags;
    }

    int latestVersion() {
        return latestVersion;
    }

    Instant createdAt() {
        return createdAt;
    }

    String createdBy() {
        return createdBy;
    }

    Instant updatedAt() {
        return updatedAt;
    }
}
