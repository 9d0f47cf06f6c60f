package io.rtml.bench;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import io.rtml.registry.artifact.ArtifactSpool;
import io.rtml.artifact.ArtifactStore;
import io.rtml.registry.artifact.SpooledArtifact;
import io.rtml.registry.artifact.UploadProperties;
import io.rtml.onnx.InspectionLimits;
import io.rtml.registry.onnx.OnnxInspector;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.JsonNode;

/**
 * Upload of a 1 GiB ONNX model to the registry, whose JVM has a 256 MiB heap, against a plain AWS SDK
 * {@code putObject} of the same file to the same S3 server, alternating in one run. Goals: with its
 * SHA-256 declared, the registry's median time is at most 1.0x the putObject median; a plain upload at
 * most 1.5x. Each round uploads to the registry twice (the three transfers of a round take turns at going
 * first): a plain body, and a body with its SHA-256 declared in {@code Content-SHA256} as the rtml CLI
 * sends it (the client's hashing is timed too). The declared one goes to S3 as the parts of a multipart
 * upload while the body arrives, completed after the checks; the plain one is spooled, checked, then sent
 * to its content key in one PUT. Both are in the bucket when the registry answers.
 *
 * <p>Before each registry upload the first 4 KiB of the model's tensor are rewritten with a new number, so
 * every upload has new bytes: the registry stores content-addressed and skips the S3 PUT for bytes it already
 * has, which would make it look faster than it is. After each round its objects are deleted, so every
 * round starts from the same disk and page-cache state; a {@code sync} precedes each timed upload.
 * Where the registry's time goes is observed from outside (its spool folder, the bucket folder and
 * /proc of its process), without changing it.
 *
 * <p>Run from the repository root: {@code java -cp benchmarks/target/benchmarks.jar io.rtml.bench.UploadBenchmark}.
 * Settings (system properties): {@code rtml.bench.upload.elements} floats in the tensor (default 2^28 = 1 GiB),
 * {@code rtml.bench.upload.rounds} (default 3, plus one warm-up), {@code rtml.bench.fail-on-goal=true} to
 * exit with 2 when the goal is missed. Exits 1 when a precondition fails (an upload that is not 201).
 */
public final class UploadBenchmark {

    private static final String MODEL = "bench-upload";
    private static final double GOAL_RATIO = 1.5;
    private static final double DECLARED_GOAL_RATIO = 1.0;

    private UploadBenchmark() {}

    public static void main(String[] args) {
        int[] goal = {0};
        int status = Bench.run("UploadBenchmark", () -> {
            goal[0] = run();
            return null;
        });
        System.exit(status != 0 ? status : goal[0]);
    }

    /**
     * One registry upload: total time and, where the watcher saw them, when things happened inside the
     * registry, in nanoseconds from the start (-1: not seen). {@code hashed}: when the client had
     * hashed the file (0 unless it declared the SHA-256).
     */
    private record RegistryUpload(long nanos, long hashed, long spoolFull, long s3Seen, long s3Done,
            double registryCpu, double benchCpu, String registryCost) {

        long toSpooled() {
            return between(hashed, spoolFull);
        }

        long spooledToS3Done() {
            return between(spoolFull, s3Done);
        }

        long s3ToResponse() {
            return between(s3Done, nanos);
        }
    }

    private static int run() throws Exception {
        long elements = Long.getLong("rtml.bench.upload.elements", 1L << 28);
        int rounds = Integer.getInteger("rtml.bench.upload.rounds", 3);
        Path repo = BenchStack.repo();
        RegistryProcess.execJar(repo);
        System.out.println("UploadBenchmark " + LocalDateTime.now().truncatedTo(ChronoUnit.SECONDS) + ", "
                + Runtime.getRuntime().availableProcessors() + " CPUs, Java " + System.getProperty("java.version")
                + ", load average " + Bench.loadAverage());
        try (Cleanup cleanup = new Cleanup()) {
            Path work = BenchStack.workDir("rtml-bench-upload-", cleanup);

            long start = System.nanoTime();
            BigOnnxModel model = BigOnnxModel.write(work.resolve("bench-model.onnx"), elements);
            System.out.println("generated " + model.file() + ": " + model.sizeBytes() + " bytes ("
                    + Bench.mib(model.sizeBytes()) + ", W: float[" + elements + "]) in "
                    + Bench.fmt(Bench.seconds(System.nanoTime() - start), 1) + " s");
            start = System.nanoTime();
            model.verifyWithOnnxRuntime();
            System.out.println("ONNX Runtime loads it: no inputs, Y: float[" + elements + "] ("
                    + Bench.fmt(Bench.seconds(System.nanoTime() - start), 2) + " s, first load in this JVM)");

            Components components = Components.measure(model, work);

            BenchStack stack = BenchStack.start(repo, work, List.of("-Xmx256m"), List.of(), cleanup);
            stack.api.createModel(MODEL);

            List<Long> putNanos = new ArrayList<>();
            List<RegistryUpload> uploads = new ArrayList<>();
            List<RegistryUpload> declaredUploads = new ArrayList<>();
            double maxHeapSample = 0;
            try (S3Client s3 = s3ClientLikeRegistry(stack)) {
                System.out.println();
                System.out.println("round   putObject s   MB/s     registry s   MB/s     ratio  | with Content-SHA256 s   MB/s   ratio"
                        + "  | CPU s: putObject (bench JVM); registry upload (registry JVM, bench JVM); with Content-SHA256 (same)");
                int version = 0;
                for (int round = 0; round <= rounds; round++) {
                    // Each of the three goes first, second and third in turn: what ran just before
                    // (1 GiB just written, or just deleted) changes how fast this machine writes the next.
                    long put = 0;
                    double putCpu = 0;
                    String putKey = "bench-putobject/round-" + round + ".onnx";
                    RegistryUpload upload = null;
                    RegistryUpload declared = null;
                    String sha256 = null;
                    String declaredSha256 = null;
                    for (int step = 0; step < 3; step++) {
                        // New bytes for every upload, else the registry would find them stored and skip its PUT.
                        model.stamp(3 * round + step);
                        Bench.syncDisks();
                        switch ((round + step) % 3) {
                            case 0 -> {
                                double benchCpu = Bench.cpuSeconds(ProcessHandle.current().pid());
                                put = timePutObject(s3, putKey, model);
                                putCpu = Bench.cpuSeconds(ProcessHandle.current().pid()) - benchCpu;
                            }
                            case 1 -> {
                                sha256 = Bench.sha256(model.file());
                                upload = timeRegistryUpload(stack, model, sha256, ++version, false);
                            }
                            default -> {
                                declaredSha256 = Bench.sha256(model.file());
                                declared = timeRegistryUpload(stack, model, declaredSha256, ++version, true);
                            }
                        }
                    }

                    maxHeapSample = Math.max(maxHeapSample, metric(stack.api, "jvm.memory.used"));
                    // Every round starts from the same state: without this round's 1 GiB objects on disk and in the page cache.
                    s3.deleteObject(b -> b.bucket(BenchStack.BUCKET).key(putKey));
                    for (String key : List.of(ArtifactStore.keyFor(sha256), ArtifactStore.keyFor(declaredSha256))) {
                        s3.deleteObject(b -> b.bucket(BenchStack.BUCKET).key(key));
                    }
                    long incomplete = s3.listMultipartUploadsPaginator(b -> b.bucket(BenchStack.BUCKET)).uploads().stream().count();
                    if (incomplete > 0) {
                        throw new BenchmarkFailure(incomplete + " multipart uploads were left incomplete after round " + round);
                    }
                    if (round > 0) {
                        putNanos.add(put);
                        uploads.add(upload);
                        declaredUploads.add(declared);
                    }
                    System.out.println(String.format(Locale.ROOT,
                            "%-7s %9.2f   %7.1f   %9.2f   %7.1f   %5.2f  | %9.2f   %7.1f   %5.2f  | %.1f; %.1f, %.1f; %.1f, %.1f",
                            round == 0 ? "warm-up" : String.valueOf(round),
                            Bench.seconds(put), Bench.mbPerSecond(model.sizeBytes(), put),
                            Bench.seconds(upload.nanos()), Bench.mbPerSecond(model.sizeBytes(), upload.nanos()),
                            (double) upload.nanos() / put,
                            Bench.seconds(declared.nanos()), Bench.mbPerSecond(model.sizeBytes(), declared.nanos()),
                            (double) declared.nanos() / put,
                            putCpu, upload.registryCpu(), upload.benchCpu(), declared.registryCpu(), declared.benchCpu()));
                    System.out.println("        registry phases (s): receive+spool+hash "
                            + phase(upload.toSpooled()) + ", inspect + PUT of the spool file " + phase(upload.spooledToS3Done())
                            + ", record+respond " + phase(upload.s3ToResponse()) + "; per phase (user/system CPU, page faults, "
                            + "storage reads): " + upload.registryCost());
                    System.out.println("        with Content-SHA256 (s): client hash " + phase(declared.hashed())
                            + ", receive+spool+hash with the S3 parts alongside " + phase(declared.toSpooled())
                            + ", inspect + last part + completion " + phase(declared.spooledToS3Done())
                            + ", record+respond " + phase(declared.s3ToResponse()) + "; per phase: " + declared.registryCost());
                }
            }

            double heapUsed = metric(stack.api, "jvm.memory.used");
            double heapMax = metric(stack.api, "jvm.memory.max");
            double putMedian = Bench.median(putNanos.stream().mapToDouble(Bench::seconds).toArray());
            double registryMedian = Bench.median(uploads.stream().mapToDouble(u -> Bench.seconds(u.nanos())).toArray());
            double declaredMedian = Bench.median(declaredUploads.stream().mapToDouble(u -> Bench.seconds(u.nanos())).toArray());
            double ratio = registryMedian / putMedian;
            double declaredRatio = declaredMedian / putMedian;

            System.out.println();
            System.out.println("== UploadBenchmark result (" + rounds + " rounds each, after 1 warm-up each; file "
                    + model.sizeBytes() + " bytes)");
            System.out.println("putObject median:  " + Bench.fmt(putMedian, 2) + " s  "
                    + Bench.fmt(model.sizeBytes() / 1e6 / putMedian, 1) + " MB/s");
            System.out.println("registry median:   " + Bench.fmt(registryMedian, 2) + " s  "
                    + Bench.fmt(model.sizeBytes() / 1e6 / registryMedian, 1) + " MB/s");
            System.out.println("registry median with Content-SHA256 (client hashing included): " + Bench.fmt(declaredMedian, 2)
                    + " s  " + Bench.fmt(model.sizeBytes() / 1e6 / declaredMedian, 1) + " MB/s");
            System.out.println("ratio registry/putObject: " + Bench.fmt(ratio, 2) + " (goal <= " + GOAL_RATIO + "): "
                    + (ratio <= GOAL_RATIO ? "MET" : "MISSED") + "; with Content-SHA256: " + Bench.fmt(declaredRatio, 2)
                    + " (goal <= " + DECLARED_GOAL_RATIO + "): " + (declaredRatio <= DECLARED_GOAL_RATIO ? "MET" : "MISSED"));
            System.out.println("registry phases, median s: receive+spool+hash "
                    + medianPhase(uploads, RegistryUpload::toSpooled)
                    + ", inspect + PUT of the spool file " + medianPhase(uploads, RegistryUpload::spooledToS3Done)
                    + ", record+respond " + medianPhase(uploads, RegistryUpload::s3ToResponse));
            System.out.println("with Content-SHA256, median s: client hash " + medianPhase(declaredUploads, RegistryUpload::hashed)
                    + ", receive+spool+hash with the S3 parts alongside " + medianPhase(declaredUploads, RegistryUpload::toSpooled)
                    + ", inspect + last part + completion " + medianPhase(declaredUploads, RegistryUpload::spooledToS3Done)
                    + ", record+respond " + medianPhase(declaredUploads, RegistryUpload::s3ToResponse));
            System.out.println("same steps alone in the benchmark JVM: " + components);
            System.out.println("registry JVM (-Xmx256m) after the run: heap used " + Bench.mib(heapUsed) + " of max "
                    + Bench.mib(heapMax) + " (highest sample after an upload: " + Bench.mib(maxHeapSample) + "); "
                    + "process peak RSS (VmHWM) " + stack.registry.procStatus("VmHWM") + ", RSS now "
                    + stack.registry.procStatus("VmRSS"));
            System.out.println("load average at the end: " + Bench.loadAverage());
            boolean failOnGoal = Boolean.getBoolean("rtml.bench.fail-on-goal");
            boolean met = ratio <= GOAL_RATIO && declaredRatio <= DECLARED_GOAL_RATIO;
            return met || !failOnGoal ? 0 : 2;
        }
    }

    private static S3Client s3ClientLikeRegistry(BenchStack stack) {
        // As artifact-store's ArtifactStoreConfiguration builds it.
        return S3Client.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(stack.s3.accessKey(), stack.s3.secretKey())))
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .endpointOverride(stack.s3.endpoint())
                .build();
    }

    private static long timePutObject(S3Client s3, String key, BigOnnxModel model) {
        long start = System.nanoTime();
        s3.putObject(b -> b.bucket(BenchStack.BUCKET).key(key).contentLength(model.sizeBytes())
                .contentType("application/octet-stream"), RequestBody.fromFile(model.file()));
        return System.nanoTime() - start;
    }

    private static RegistryUpload timeRegistryUpload(BenchStack stack, BigOnnxModel model, String sha256, int expectedVersion,
            boolean declareSha256) throws Exception {
        Path contentObject = stack.bucketDir().resolve(ArtifactStore.keyFor(sha256));
        BooleanSupplier stored = () -> Files.exists(contentObject);
        try (PhaseWatcher watcher = new PhaseWatcher(stack.registry.spoolDir(), stack.bucketDir(), stored,
                model.sizeBytes(), stack.registry.pid())) {
            double registryCpu = Bench.cpuSeconds(stack.registry.pid());
            double benchCpu = Bench.cpuSeconds(ProcessHandle.current().pid());
            String path = "/api/v1/models/" + MODEL + "/versions";
            long start = System.nanoTime();
            long hashed = 0;
            RegistryClient.Reply response;
            if (declareSha256) {
                // As the rtml CLI uploads: it hashes the file first, and the wait for that counts.
                String clientSha256 = Bench.sha256(model.file());
                hashed = System.nanoTime() - start;
                response = stack.api.upload(path, model.file(), clientSha256);
            } else {
                response = stack.api.upload(path, model.file());
            }
            long end = System.nanoTime();
            ProcSample atEnd = ProcSample.of(stack.registry.pid());
            registryCpu = Bench.cpuSeconds(stack.registry.pid()) - registryCpu;
            benchCpu = Bench.cpuSeconds(ProcessHandle.current().pid()) - benchCpu;
            watcher.stop();
            JsonNode body = RegistryClient.expect(response, 201, "upload of version " + expectedVersion + " to the registry");
            if (body.path("version").asInt() != expectedVersion || !sha256.equals(body.path("sha256").asString())
                    || body.path("sizeBytes").asLong() != model.sizeBytes()) {
                throw new BenchmarkFailure("the registry answered 201 but recorded version " + body.path("version")
                        + ", sha256 " + body.path("sha256") + ", size " + body.path("sizeBytes") + "; expected "
                        + expectedVersion + ", " + sha256 + ", " + model.sizeBytes());
            }
            if (!Files.exists(contentObject) || Files.size(contentObject) != model.sizeBytes()) {
                throw new BenchmarkFailure("the registry answered 201 but " + contentObject + " does not hold the upload");
            }
            String cost = "receive+spool+hash " + watcher.atSpoolFull.since(watcher.atStart)
                    + "; inspect + store " + watcher.atS3Done.since(watcher.atSpoolFull)
                    + "; record+respond " + atEnd.since(watcher.atS3Done);
            return new RegistryUpload(end - start, hashed, since(start, watcher.spoolFull), since(start, watcher.s3Seen),
                    since(start, watcher.s3Done), registryCpu, benchCpu, cost);
        }
    }

    private static long since(long start, long mark) {
        return mark < 0 ? -1 : mark - start;
    }

    private static long between(long from, long to) {
        return from < 0 || to < 0 || to < from ? -1 : to - from;
    }

    private static String phase(long nanos) {
        return nanos < 0 ? "n/a" : Bench.fmt(Bench.seconds(nanos), 2);
    }

    private static String medianPhase(List<RegistryUpload> uploads, java.util.function.ToLongFunction<RegistryUpload> phase) {
        double[] values = uploads.stream().mapToLong(phase).filter(v -> v >= 0).mapToDouble(Bench::seconds).toArray();
        return values.length == 0 ? "n/a" : Bench.fmt(Bench.median(values), 2);
    }

    /** A heap metric of the registry JVM in bytes ({@code area:heap}). */
    private static double metric(RegistryClient api, String name) throws IOException, InterruptedException {
        JsonNode body = RegistryClient.expect(api.get("/actuator/metrics/" + name + "?tag=area:heap"), 200, "metric " + name);
        return body.path("measurements").path(0).path("value").asDouble();
    }

    /**
     * Watches the registry from outside while it handles one upload: its spool file (growing while the
     * body arrives, full once received and hashed) and the bucket folder of the S3 server (a new file
     * appears when the registry's PUT starts; the content-addressed object when it ends). Polls every
     * 10 ms; the phases last seconds.
     */
    private static final class PhaseWatcher implements AutoCloseable {

        private final Path spoolDir;
        private final Path bucketDir;
        private final BooleanSupplier stored;
        private final long expectedSize;
        private final long registryPid;
        private final Set<Path> before;
        private final Thread thread;
        private volatile boolean running = true;
        volatile long spoolFull = -1;
        volatile long s3Seen = -1;
        volatile long s3Done = -1;
        final ProcSample atStart;
        volatile ProcSample atSpoolFull = ProcSample.NONE;
        volatile ProcSample atS3Seen = ProcSample.NONE;
        volatile ProcSample atS3Done = ProcSample.NONE;

        PhaseWatcher(Path spoolDir, Path bucketDir, BooleanSupplier stored, long expectedSize, long registryPid) throws IOException {
            this.spoolDir = spoolDir;
            this.bucketDir = bucketDir;
            this.stored = stored;
            this.expectedSize = expectedSize;
            this.registryPid = registryPid;
            this.before = registryFiles();
            this.atStart = ProcSample.of(registryPid);
            this.thread = new Thread(this::loop, "upload-phase-watcher");
            thread.setDaemon(true);
            thread.start();
        }

        private void loop() {
            while (running) {
                try {
                    poll();
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                } catch (IOException | UncheckedIOException e) {
                    // a file vanished between listing and reading it: look again
                }
            }
        }

        private void poll() throws IOException {
            long now = System.nanoTime();
            if (spoolFull < 0) {
                try (Stream<Path> files = Files.list(spoolDir)) {
                    if (files.anyMatch(f -> Bench.fileSizeOrZero(f) >= expectedSize)) {
                        spoolFull = now;
                        atSpoolFull = ProcSample.of(registryPid);
                    }
                }
            }
            if (s3Done < 0) {
                if (stored.getAsBoolean()) {
                    s3Done = now;
                    atS3Done = ProcSample.of(registryPid);
                    if (s3Seen < 0) {
                        s3Seen = now;
                        atS3Seen = atS3Done;
                    }
                } else if (s3Seen < 0 && !registryFiles().equals(before)) {
                    s3Seen = now;
                    atS3Seen = ProcSample.of(registryPid);
                }
            }
        }

        /** Files of the bucket other than the putObject baseline's. */
        private Set<Path> registryFiles() throws IOException {
            Set<Path> files = new HashSet<>();
            if (!Files.isDirectory(bucketDir)) {
                return files;
            }
            Path baseline = bucketDir.resolve("bench-putobject");
            try (Stream<Path> walk = Files.walk(bucketDir)) {
                walk.filter(p -> !p.startsWith(baseline)).filter(Files::isRegularFile).forEach(files::add);
            }
            return files;
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }
    }

    /**
     * The registry's upload steps timed one by one in the benchmark JVM, on the file already in the page cache.
     * The spool step is timed {@link #SPOOL_ROUNDS} times each way, alternating: the registry's {@code ArtifactSpool}
     * (SHA-256 on a thread of its own) and, for comparison, the same copy with the hash on the copying thread.
     */
    private record Components(double oneThreadSpoolSeconds, double spoolSeconds, double inspectSeconds, double ortLoadSeconds) {

        private static final int SPOOL_ROUNDS = 3;

        static Components measure(BigOnnxModel model, Path work) throws Exception {
            ExecutorService hashing = Executors.newCachedThreadPool();
            UploadProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
                    "rtml.registry.upload.spool-dir", work.resolve("component-spool").toString())))
                    .bindOrCreate("rtml.registry.upload", UploadProperties.class);
            ArtifactSpool registrySpool = new ArtifactSpool(properties, hashing);
            double[] oneThread = new double[SPOOL_ROUNDS];
            double[] pipelined = new double[SPOOL_ROUNDS];
            try {
                // Alternating which goes first, so neither always pays for the other's leftovers (or the JIT).
                for (int round = 0; round < SPOOL_ROUNDS; round++) {
                    if (round % 2 == 0) {
                        oneThread[round] = timeOneThreadSpool(model, work);
                        pipelined[round] = timeRegistrySpool(registrySpool, model);
                    } else {
                        pipelined[round] = timeRegistrySpool(registrySpool, model);
                        oneThread[round] = timeOneThreadSpool(model, work);
                    }
                }
            } finally {
                hashing.shutdown();
            }
            double spool = Bench.median(pipelined);
            double oneThreadSpool = Bench.median(oneThread);
            long start;

            Bench.syncDisks();
            start = System.nanoTime();
            new OnnxInspector(InspectionLimits.defaults()).inspect(model.file());
            double inspect = Bench.seconds(System.nanoTime() - start);

            start = System.nanoTime();
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                // The session options of the registry's RuntimeLoadCheck, on the model itself rather than its weightless copy.
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
                options.setIntraOpNumThreads(1);
                options.setInterOpNumThreads(1);
                options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
                try (OrtSession ignored = OrtEnvironment.getEnvironment().createSession(model.file().toString(), options)) {
                    // loading is what is timed
                }
            }
            double ortLoad = Bench.seconds(System.nanoTime() - start);
            Components components = new Components(oneThreadSpool, spool, inspect, ortLoad);
            System.out.println("registry steps alone, in this JVM: " + components);
            return components;
        }

        private static double timeRegistrySpool(ArtifactSpool spool, BigOnnxModel model) throws Exception {
            Bench.syncDisks();
            long start = System.nanoTime();
            try (InputStream in = Files.newInputStream(model.file()); SpooledArtifact spooled = spool.spool(in)) {
                return Bench.seconds(System.nanoTime() - start);
            }
        }

        private static double timeOneThreadSpool(BigOnnxModel model, Path work) throws Exception {
            Bench.syncDisks();
            long start = System.nanoTime();
            Path copy = work.resolve("spool-copy.onnx");
            MessageDigest sha256 = Bench.newSha256();
            try (InputStream in = Files.newInputStream(model.file()); OutputStream out = Files.newOutputStream(copy)) {
                byte[] buffer = new byte[ArtifactSpool.BUFFER];
                for (int n; (n = in.read(buffer)) != -1; ) {
                    sha256.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                }
            }
            sha256.digest();
            double seconds = Bench.seconds(System.nanoTime() - start);
            Files.delete(copy);
            return seconds;
        }

        @Override
        public String toString() {
            return "ArtifactSpool (copy + SHA-256 on its own thread) to a spool file " + Bench.fmt(spoolSeconds, 2)
                    + " s against " + Bench.fmt(oneThreadSpoolSeconds, 2) + " s with the hash on the copying thread (medians of "
                    + SPOOL_ROUNDS + ", alternating), OnnxInspector.inspect (walk + load check) "
                    + Bench.fmt(inspectSeconds, 2) + " s; for comparison, ONNX Runtime loading the file itself "
                    + Bench.fmt(ortLoadSeconds, 2) + " s";
        }
    }
}
