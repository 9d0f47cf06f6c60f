package io.rtml.registry.version;

import io.rtml.onnx.ModelSignature;
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

/** One immutable artifact of a model: born only after its bytes are stored and inspected. */
@Entity
@Table(name = "model_version")
class ModelVersion {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    private Long modelId;
    private int version;
    private String description;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(columnDefinition = "jsonb")
    private Map<String, String> tags;

    private String sha256;
    private long sizeBytes;
    private String artifactKey;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(columnDefinition = "jsonb")
    private ModelSignature signature;

    /** The example request as checked by {@link ExampleCheck}; null when the version has none. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(columnDefinition = "jsonb")
    private String example;

    private Instant createdAt;
    private String createdBy;
    private Instant updatedAt;

    protected ModelVersion() {}

    ModelVersion(Long modelId, int version, NewVersion details, String createdBy, Instant now) {
        this.modelId = modelId;
        this.version = version;
        this.description = details.description();
        this.tags = Map.copyOf(details.tags());
        this.sha256 = details.sha256();
        this.sizeBytes = details.sizeBytes();
        this.artifactKey = details.artifactKey();
        this.signature = details.signature();
        this.example = details.example();
        this.createdBy = createdBy;
        this.createdAt = now;
        this.updatedAt = now;
    }

    void describe(String description, Instant now) {
        this.description = description;
        this.updatedAt = now;
    }

    void retag(Map<String, String> tags, Instant now) {
        this.tags = Map.copyOf(tags);
        this.updatedAt = now;
    }

    void replaceExample(String example, Instant now) {
        this.example = example;
        this.updatedAt = now;
    }

    String example() {
        return example;
    }

    ModelSignature signature() {
        return signature;
    }

    ModelVersionResponse toResponse(String modelName, java.util.List<String> aliases) {
        return new ModelVersionResponse(modelName, version, description, tags, aliases, sha256, sizeBytes, signature,
                createdAt, createdBy, updatedAt);
    }

    int version() {
        return version;
    }

    String sha256() {
        return sha256;
    }

    long sizeBytes() {
        return sizeBytes;
    }

    String artifactKey() {
        return artifactKey;
    }
}
