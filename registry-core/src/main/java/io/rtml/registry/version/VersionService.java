package io.rtml.registry.version;

import io.rtml.artifact.ArtifactStore;
import io.rtml.onnx.ModelSignature;
import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import io.rtml.registry.access.Actor;
import io.rtml.registry.access.Resource;
import io.rtml.registry.access.Role;
import io.rtml.registry.artifact.ArtifactReceiver;
import io.rtml.registry.artifact.ReceivedArtifact;
import io.rtml.registry.audit.AuditLog;
import io.rtml.registry.model.AliasService;
import io.rtml.registry.model.ModelService;
import io.rtml.registry.model.Names;
import io.rtml.registry.model.RegisteredModel;
import io.rtml.registry.model.RegisteredModelRepository;
import io.rtml.registry.onnx.OnnxInspector;
import io.rtml.registry.paging.Page;
import io.rtml.registry.paging.PageRequest;
import java.io.InputStream;
import java.net.URL;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Registers model versions and serves them back. An upload is spooled and hashed, inspected, and
 * stored in S3 before any database row exists, so a refused or broken upload leaves nothing
 * behind; the row is written last, in a short transaction that never waits on S3. (With a declared
 * SHA-256 the bytes go to S3 as parts of a multipart upload while the body arrives, completed only
 * after the checks; without one, the spool file is sent after the checks.)
 */
@Service
public class VersionService {

    private static final Logger log = LoggerFactory.getLogger(VersionService.class);

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final RegisteredModelRepository models;
    private final ModelVersionRepository versions;
    private final AliasService aliases;
    private final ArtifactReceiver receiver;
    private final ArtifactStore store;
    private final OnnxInspector inspector;
    private final VersionRecorder recorder;
    private final JsonMapper json;
    private final AuditLog audit;
    private final Clock clock;

    VersionService(RegisteredModelRepository models, ModelVersionRepository versions, AliasService aliases,
            ArtifactReceiver receiver, ArtifactStore store, OnnxInspector inspector, VersionRecorder recorder, JsonMapper json,
            AuditLog audit, Clock clock) {
        this.models = models;
        this.versions = versions;
        this.aliases = aliases;
        this.receiver = receiver;
        this.store = store;
        this.inspector = inspector;
        this.recorder = recorder;
        this.json = json;
        this.audit = audit;
        this.clock = clock;
    }

    /** Refuses an upload the actor may not make, before its body is read. */
    public void checkMayPublish(String modelName, Actor actor) {
        actor.require(Role.PUBLISHER, Resource.MODEL, modelName);
        if (!models.existsByName(modelName)) {
            throw ModelService.notFound(modelName);
        }
    }

    public ModelVersionResponse register(String modelName, InputStream body, UploadRequest request, Actor actor) {
        actor.require(Role.PUBLISHER, Resource.MODEL, modelName);
        Map<String, String> tags = Names.checkTags(request.tags());
        String expectedSha256 = normalizeSha256(request.expectedSha256());
        if (!models.existsByName(modelName)) {
            throw ModelService.notFound(modelName);
        }
        long start = System.nanoTime();
        try (ReceivedArtifact upload = receiver.receive(body, expectedSha256)) {
            long received = System.nanoTime();
            if (expectedSha256 != null && !expectedSha256.equals(upload.sha256())) {
                throw new RtmlException(ErrorCode.CHECKSUM_MISMATCH, "the upload's SHA-256 is " + upload.sha256()
                        + " but the request said " + expectedSha256 + "; the bytes were damaged on the way, nothing was kept");
            }
            ModelSignature signature = inspector.inspect(upload.path());
            String example = ExampleCheck.fromMetadata(signature);
            long inspected = System.nanoTime();
            String key = upload.store();
            long stored = System.nanoTime();
            NewVersion details = new NewVersion(request.description(), tags, upload.sha256(), upload.size(), key, signature,
                    example);
            ModelVersionResponse version = recorder.record(modelName, details, actor);
            if (log.isDebugEnabled()) {
                log.debug("registered {} v{}: {} bytes received and hashed in {} ms, inspected in {} ms, stored in {} ms, recorded in {} ms",
                        modelName, version.version(), upload.size(), millis(start, received), millis(received, inspected),
                        millis(inspected, stored), millis(stored, System.nanoTime()));
            }
            return version;
        }
    }

    @Transactional(readOnly = true)
    public ModelVersionResponse get(String modelName, String ref) {
        RegisteredModel model = model(modelName);
        ModelVersion version = resolve(model, ref);
        return version.toResponse(modelName, aliasesByVersion(model).getOrDefault(version.version(), List.of()));
    }

    @Transactional(readOnly = true)
    public Page<ModelVersionResponse> list(String modelName, Map<String, String> tags, PageRequest page) {
        RegisteredModel model = model(modelName);
        int before = page.token() == null ? Integer.MAX_VALUE : (int) Math.min(page.token().asLong(), Integer.MAX_VALUE);
        List<ModelVersion> rows = tags.isEmpty()
                ? versions.findByModelIdAndVersionLessThanOrderByVersionDesc(model.id(), before, Limit.of(page.size() + 1))
                : versions.findTaggedPage(model.id(), before, json.writeValueAsString(tags), page.size() + 1);
        Map<Integer, List<String>> aliasesByVersion = aliasesByVersion(model);
        List<ModelVersionResponse> items = rows.stream()
                .map(v -> v.toResponse(modelName, aliasesByVersion.getOrDefault(v.version(), List.of())))
                .toList();
        return Page.of(items, page.size(), v -> String.valueOf(v.version()));
    }

    @Transactional
    public ModelVersionResponse update(String modelName, String ref, UpdateVersionRequest request, Actor actor) {
        actor.require(Role.PUBLISHER, Resource.MODEL, modelName);
        RegisteredModel model = model(modelName);
        ModelVersion version = resolve(model, ref);
        Map<String, Object> changes = new LinkedHashMap<>();
        if (request.description() != null) {
            version.describe(request.description(), clock.instant());
            changes.put("description", request.description());
        }
        if (request.tags() != null) {
            version.retag(Names.checkTags(request.tags()), clock.instant());
            changes.put("tags", request.tags());
        }
        audit.record(actor, "version.update", "model_version", modelName + "/" + version.version(), changes);
        return version.toResponse(modelName, aliasesByVersion(model).getOrDefault(version.version(), List.of()));
    }

    @Transactional(readOnly = true)
    public ArtifactDownload download(String modelName, String ref) {
        RegisteredModel model = model(modelName);
        ModelVersion version = resolve(model, ref);
        return new ArtifactDownload(modelName + "-v" + version.version() + ".onnx", version.sha256(), version.sizeBytes(),
                store.open(version.artifactKey()));
    }

    /** A presigned GET of the version's artifact. */
    @Transactional(readOnly = true)
    public URL presignArtifact(String modelName, String ref) {
        return store.presignGet(resolve(model(modelName), ref).artifactKey());
    }

    /** The model's newest version, if it has any. */
    @Transactional(readOnly = true)
    public Optional<ModelVersionResponse> latest(String modelName) {
        RegisteredModel model = model(modelName);
        return versions.findByModelIdAndVersionLessThanOrderByVersionDesc(model.id(), Integer.MAX_VALUE, Limit.of(1))
                .stream().findFirst()
                .map(v -> v.toResponse(modelName, aliasesByVersion(model).getOrDefault(v.version(), List.of())));
    }

    /** The version number that {@code ref} (a number or an alias) names for the model, checked to exist. */
    @Transactional(readOnly = true)
    public int resolveNumber(Long modelId, String ref) {
        RegisteredModel model = models.findById(modelId).orElseThrow(() -> ModelService.notFound("#" + modelId));
        return resolve(model, ref).version();
    }

    /** A version by number ("3") or by alias ("champion"). */
    ModelVersion resolve(RegisteredModel model, String ref) {
        int number;
        if (ref.chars().allMatch(Character::isDigit) && !ref.isEmpty() && ref.length() < 10) {
            number = Integer.parseInt(ref);
        } else {
            number = aliases.resolve(model.id(), ref).orElseThrow(() -> new RtmlException(ErrorCode.VERSION_NOT_FOUND,
                    "model '" + model.name() + "' has no version or alias " + Names.quote(ref)));
        }
        return versions.findByModelIdAndVersion(model.id(), number).orElseThrow(() -> new RtmlException(
                ErrorCode.VERSION_NOT_FOUND, "model '" + model.name() + "' has no version " + number));
    }

    private static long millis(long fromNanos, long toNanos) {
        return (toNanos - fromNanos) / 1_000_000;
    }

    RegisteredModel model(String modelName) {
        return models.findByName(modelName).orElseThrow(() -> ModelService.notFound(modelName));
    }

    private Map<Integer, List<String>> aliasesByVersion(RegisteredModel model) {
        Map<Integer, List<String>> byVersion = new TreeMap<>();
        aliases.aliasesOf(model.id()).forEach((alias, v) -> byVersion.computeIfAbsent(v, k -> new ArrayList<>()).add(alias));
        return byVersion;
    }

    private static String normalizeSha256(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String hex = value.trim().toLowerCase(Locale.ROOT);
        if (!SHA256.matcher(hex).matches()) {
            throw new RtmlException(ErrorCode.VALIDATION_FAILED,
                    "the SHA-256 header must be 64 hexadecimal characters, got " + Names.quote(value));
        }
        return hex;
    }

}
