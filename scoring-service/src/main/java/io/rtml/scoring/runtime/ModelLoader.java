package io.rtml.scoring.runtime;

import ai.onnxruntime.MapInfo;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.SequenceInfo;
import ai.onnxruntime.TensorInfo;
import io.rtml.onnx.InspectionLimits;
import io.rtml.onnx.ModelWalker;
import io.rtml.onnx.OnnxRefusal;
import io.rtml.scoring.telemetry.NodeTelemetry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the ONNX Runtime session of a version from its local file, reads its signature and warms
 * it up, so that the first real request does not pay for lazy initialisation. The file is first
 * walked as the registry walks an upload (refusing external data, so ONNX Runtime never opens a
 * file the model names), then loaded from a directory of its own ({@link SessionFiles}).
 */
public final class ModelLoader {

    /** Custom metadata key a model may carry to name the columns of its 2-D input (comma separated). */
    public static final String FEATURE_NAMES_KEY = "feature_names";

    private static final Logger log = LoggerFactory.getLogger(ModelLoader.class);

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final int intraOpThreads;
    private final Path sessionsDir;
    private final NodeTelemetry telemetry;

    /** A loader whose versions record no telemetry. */
    public ModelLoader(int intraOpThreads, Path sessionsDir) {
        this(intraOpThreads, sessionsDir, NodeTelemetry.off());
    }

    /** {@code sessionsDir} holds one directory per session being created; best on the artifacts' file system. */
    public ModelLoader(int intraOpThreads, Path sessionsDir, NodeTelemetry telemetry) {
        this.intraOpThreads = intraOpThreads;
        this.sessionsDir = sessionsDir;
        this.telemetry = telemetry;
        SessionFiles.prepareRoot(sessionsDir);
    }

    public OrtEnvironment environment() {
        return env;
    }

    public LoadedVersion load(String service, int version, String versionId, String sha256, long sizeBytes,
            Path file, List<String> featureNames) throws ModelLoadException {
        return load(service, version, versionId, sha256, sizeBytes, file, featureNames, null);
    }

    /** @param example the version's example request for the warm-up (null: zeros from the signature) */
    public LoadedVersion load(String service, int version, String versionId, String sha256, long sizeBytes,
            Path file, List<String> featureNames, ExampleRequest example) throws ModelLoadException {
        long start = System.nanoTime();
        OrtSession session = null;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            // One intra-op thread: requests already run in parallel on the event loops, and a
            // per-session pool would fight them for the same cores.
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            ModelWalker.walk(file, InspectionLimits.defaults());
            ZipMapRewrite.Result model = ZipMapRewrite.scan(file);
            session = createSession(file, model.suffix(), options);
            Signature signature = signature(session, featureNames, model.addedOutputs());
            Map<String, ZipMapRewrite.ZipMapNode> zipMaps = new HashMap<>();
            for (ZipMapRewrite.ZipMapNode z : model.zipMaps()) {
                if (signature.output(z.output()) != null && signature.output(z.output()).zipMap()) {
                    zipMaps.put(z.output(), z);
                }
            }
            LoadedVersion loaded = new LoadedVersion(service, version, versionId, sha256, sizeBytes, file,
                    session, signature, zipMaps, example);
            Warmup.run(env, loaded);
            loaded.telemetry(telemetry.forVersion(service, version));
            log.info("loaded service={} version={} sha256={} inputs={} outputs={} millis={} warmup={}", service,
                    version, sha256, signature.inputs(), signature.outputs(), (System.nanoTime() - start) / 1_000_000,
                    loaded.warmup().status());
            return loaded;
        } catch (OnnxRefusal e) {
            throw new ModelLoadException("the model is refused: " + e.getMessage(), e);
        } catch (IOException | UncheckedIOException e) {
            closeQuietly(session);
            throw new ModelLoadException("cannot read the model file: " + e.getMessage(), e);
        } catch (OrtException | RuntimeException e) {
            closeQuietly(session);
            throw new ModelLoadException("ONNX Runtime cannot load the model: " + e.getMessage(), e);
        }
    }

    private OrtSession createSession(Path file, byte[] suffix, OrtSession.SessionOptions options)
            throws IOException, OrtException {
        try (SessionFiles files = SessionFiles.create(sessionsDir, file, suffix, true)) {
            try {
                return env.createSession(files.model().toString(), options);
            } catch (OrtException e) {
                if (!files.mapsWeights()) {
                    throw e;
                }
                // As the registry's load check: a copy that does not load is no verdict; the whole file is.
                log.debug("the copy with mapped weights did not load ({}); loading the whole model", e.getMessage());
            }
        }
        try (SessionFiles files = SessionFiles.create(sessionsDir, file, suffix, false)) {
            return env.createSession(files.model().toString(), options);
        }
    }

    private static Signature signature(OrtSession session, List<String> featureNames, Set<String> hidden)
            throws OrtException {
        List<TensorSpec> inputs = new ArrayList<>();
        for (Map.Entry<String, NodeInfo> e : session.getInputInfo().entrySet()) {
            if (!(e.getValue().getInfo() instanceof TensorInfo t) || Datatype.of(t.onnxType) == null) {
                throw new OrtException("input '" + e.getKey() + "' is " + e.getValue().getInfo()
                        + ", only tensors with an Open Inference Protocol datatype are served");
            }
            inputs.add(TensorSpec.tensor(e.getKey(), Datatype.of(t.onnxType), t.getShape()));
        }
        List<TensorSpec> outputs = new ArrayList<>();
        for (Map.Entry<String, NodeInfo> e : session.getOutputInfo().entrySet()) {
            if (!hidden.contains(e.getKey())) {
                outputs.add(output(e.getKey(), e.getValue()));
            }
        }
        List<String> names = featureNames;
        if (names == null || names.isEmpty()) {
            names = session.getMetadata().getCustomMetadataValue(FEATURE_NAMES_KEY)
                    .map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
                    .orElse(List.of());
        }
        return new Signature(inputs, outputs, names);
    }

    private static TensorSpec output(String name, NodeInfo info) throws OrtException {
        if (info.getInfo() instanceof TensorInfo t && Datatype.of(t.onnxType) != null) {
            return TensorSpec.tensor(name, Datatype.of(t.onnxType), t.getShape());
        }
        if (info.getInfo() instanceof SequenceInfo s && s.isSequenceOfMaps()) {
            MapInfo map = s.mapInfo;
            return TensorSpec.zipMap(name, map.keyType == OnnxJavaType.STRING ? Datatype.BYTES : Datatype.INT64);
        }
        throw new OrtException("output '" + name + "' is " + info.getInfo() + ", which is not served");
    }

    private static void closeQuietly(OrtSession session) {
        if (session != null) {
            try {
                session.close();
            } catch (OrtException ignored) {
                // the load already failed; its error is the one worth reporting
            }
        }
    }
}
