package io.rtml.registry.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtml.registry.RawConnection;
import io.rtml.registry.RegistryApiTest;
import io.rtml.testing.ReferenceModels.ReferenceModel;
import io.rtml.testing.ReferenceModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * Clients that send slowly, or send what nobody reads, over raw sockets against a registry with
 * only {@value #THREADS} worker threads: none of them may hold a thread the others need.
 */
@TestPropertySource(properties = {"server.tomcat.threads.max=" + SlowClientTest.THREADS,
        "server.tomcat.threads.min-spare=" + SlowClientTest.THREADS, "rtml.api.clients.read-timeout=3s",
        "rtml.api.clients.upload-time-limit=8s", "rtml.api.clients.uploads-per-token=1"})
class SlowClientTest extends RegistryApiTest {

    static final int THREADS = 4;
    /**
     * Well under the 8 s upload time limit that a thread held by a dripping client would wait out,
     * with room for a loaded machine: these tests prove nobody waits for a dripper, not speed.
     */
    private static final Duration PROMPTLY = Duration.ofSeconds(5);
    private static final ReferenceModel IRIS = ReferenceModels.bundled("sklearn_rf_iris_zipmap");
    private static final long FIFTY_MB = 50L * 1024 * 1024;

    private final List<RawConnection> connections = new ArrayList<>();
    private final ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor();
    private String model;

    @BeforeEach
    void createModel() {
        model = uniqueName("slow");
        assertThat(api().postJson("/api/v1/models", Map.of("name", model)).status()).isEqualTo(201);
    }

    @AfterEach
    void hangUp() {
        drip.shutdownNow();
        connections.forEach(RawConnection::close);
    }

    @Test
    void drippingClientsWithoutATokenDoNotHoldTheWorkerThreads() {
        List<RawConnection> drippers = IntStream.range(0, 3 * THREADS)
                .mapToObj(i -> dripping(head("POST", versions(), null, "application/octet-stream", FIFTY_MB), "x"))
                .toList();
        for (RawConnection dripper : drippers) {
            assertThat(dripper.status(Duration.ofSeconds(5))).as(dripper.received()).isIn(401, 429);
            assertThat(dripper.closedWithin(PROMPTLY)).as("refused connection closed").isTrue();
        }
        assertAnsweredPromptly();
    }

    @Test
    void aBodyNobodyReadsIsNeitherParsedNorSwallowed() throws IOException {
        RawConnection get = dripping(head("GET", "/api/v1/models", ADMIN_TOKEN, "multipart/form-data; boundary=b",
                FIFTY_MB) + "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x\"\r\n\r\n" + "x".repeat(4096), "x");
        assertThat(get.status(PROMPTLY)).as(get.received()).isEqualTo(415);
        assertThat(get.closedWithin(PROMPTLY)).isTrue();
        assertThat(multipartTempFiles()).isZero();
        assertAnsweredPromptly();
    }

    @Test
    void aTokenThatMayNotPublishIsRefusedBeforeItsMultipartBodyIsRead() throws IOException {
        String viewer = token("viewer");
        RawConnection upload = dripping(head("POST", versions(), viewer, "multipart/form-data; boundary=b", FIFTY_MB)
                + "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.onnx\"\r\n\r\n" + "x".repeat(4096), "x");
        assertThat(upload.status(PROMPTLY)).as(upload.received()).isEqualTo(403);
        assertThat(upload.closedWithin(PROMPTLY)).isTrue();
        assertThat(multipartTempFiles()).isZero();
    }

    @Test
    void aRefusalBeforeTheBodyIsReadTellsTheClientTheConnectionCloses() {
        // Spring MVC commits these answers itself; a keep-alive client must still learn that the
        // connection closes, or it sends its next request on a dead connection and gets nothing back.
        String unknownModel = "/api/v1/models/" + uniqueName("nobody") + "/versions";
        for (String head : List.of(head("POST", versions(), ADMIN_TOKEN, "text/plain", 1_000_000),
                head("POST", unknownModel, ADMIN_TOKEN, "application/octet-stream", 1_000_000))) {
            RawConnection refused = new RawConnection(port);
            connections.add(refused);
            refused.send(head + "x".repeat(4096));
            assertThat(refused.status(PROMPTLY)).as(refused.received()).isIn(404, 415);
            assertThat(refused.closedWithin(PROMPTLY)).isTrue();
            assertThat(refused.received()).as("the answer announces the close").containsIgnoringCase("\r\nConnection: close\r\n");
        }
    }

    @Test
    void oneTokenHasAtMostItsShareOfUploadsInFlight() {
        String publisher = token("publisher");
        RawConnection first = dripping(head("POST", versions(), publisher, "application/octet-stream", 1_000_000), "x");
        // Until the first upload holds its slot, a second one may take it and wait for its body: hang up and try again.
        RawConnection second = await().atMost(Duration.ofSeconds(5)).until(() -> {
            RawConnection attempt = new RawConnection(port);
            connections.add(attempt);
            attempt.send(head("POST", versions(), publisher, "application/octet-stream", 1_000_000) + "x");
            if (attempt.status(Duration.ofSeconds(1)) == null) {
                attempt.close();
                return null;
            }
            return attempt;
        }, java.util.Objects::nonNull);
        assertThat(second.status(PROMPTLY)).as(second.received()).isEqualTo(429);
        assertThat(second.received()).containsIgnoringCase("Retry-After:").contains("TOO_MANY_REQUESTS");
        assertThat(second.closedWithin(PROMPTLY)).isTrue();
        assertThat(first.status(Duration.ZERO)).as("the first upload is still in flight").isNull();
        // another token is not held back by this one
        assertThat(api().uploadRaw(versions(), IRIS.readBytes()).status()).isEqualTo(201);
        first.close();
        await().atMost(Duration.ofSeconds(5)).until(() ->
                api(publisher).uploadRaw(versions(), IRIS.readBytes()).status() == 201);
    }

    @Test
    void anUploadTricklingInPastTheTimeLimitIsAnswered408AndNothingIsKept() throws IOException {
        long rows = versionRows();
        long objects = storedObjects();
        String publisher = token("publisher");
        RawConnection raw = dripping(head("POST", versions(), publisher, "application/octet-stream", 1_000_000), "x".repeat(50));
        assertThat(raw.status(Duration.ofSeconds(15))).as(raw.received()).isEqualTo(408);
        assertThat(raw.received()).contains("REQUEST_TIMEOUT");
        assertThat(raw.closedWithin(PROMPTLY)).isTrue();
        String other = token("publisher");
        RawConnection multipart = dripping(head("POST", versions(), other, "multipart/form-data; boundary=b", 1_000_000)
                + "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.onnx\"\r\n\r\n", "x".repeat(50));
        assertThat(multipart.status(Duration.ofSeconds(15))).as(multipart.received()).isEqualTo(408);
        assertThat(multipart.closedWithin(PROMPTLY)).isTrue();
        assertThat(versionRows()).isEqualTo(rows);
        assertThat(storedObjects()).isEqualTo(objects);
        await().atMost(PROMPTLY).untilAsserted(() -> assertThat(spoolFiles()).isZero());
        assertThat(multipartTempFiles()).isZero();
    }

    @Test
    void aClientThatFallsSilentIsDisconnectedAfterTheReadTimeout() {
        RawConnection silent = new RawConnection(port);
        connections.add(silent);
        silent.send(head("POST", versions(), token("publisher"), "application/octet-stream", 1_000_000) + "x".repeat(10));
        assertThat(silent.closedWithin(Duration.ofSeconds(8))).as("closed after the 3 s read timeout").isTrue();
        assertThat(silent.status(Duration.ZERO)).as(silent.received()).isEqualTo(408);
        assertThat(silent.received()).contains("REQUEST_TIMEOUT");
    }

    private void assertAnsweredPromptly() {
        long start = System.nanoTime();
        assertThat(api().get("/api/v1/models").status()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(PROMPTLY);
    }

    private RawConnection dripping(String head, String drop) {
        RawConnection connection = new RawConnection(port);
        connections.add(connection);
        connection.send(head);
        drip.scheduleAtFixedRate(() -> connection.send(drop), 0, 200, TimeUnit.MILLISECONDS);
        return connection;
    }

    private String versions() {
        return "/api/v1/models/" + model + "/versions";
    }

    private String token(String role) {
        var created = api().postJson("/api/v1/tokens", Map.of("name", uniqueName(role), "roles", List.of(role)));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.json().path("secret").asString();
    }

    private static String head(String method, String path, String token, String contentType, long length) {
        return method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
                + "Content-Type: " + contentType + "\r\nContent-Length: " + length + "\r\n\r\n";
    }

    private static long multipartTempFiles() throws IOException {
        return count(SPOOL_DIR.resolve("multipart"));
    }

    private static long spoolFiles() throws IOException {
        return count(SPOOL_DIR);
    }

    private static long count(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(Files::isRegularFile).count();
        }
    }
}
