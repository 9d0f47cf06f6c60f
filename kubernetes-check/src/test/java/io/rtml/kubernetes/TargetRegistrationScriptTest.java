package io.rtml.kubernetes;

import static io.rtml.kubernetes.Workloads.ofKind;
import static io.rtml.kubernetes.Workloads.podSpec;
import static io.rtml.kubernetes.Workloads.rtmlContainers;
import static io.rtml.kubernetes.Workloads.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.registry.RegistryApiApplication;
import io.rtml.testing.TestDatabase;
import io.rtml.testing.TestS3;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The chart's target-registration Job, as rendered (its script, its target list, its Secret's name), run
 * with sh and curl against the real registry, configured with the allow-list the chart gives it. Only the
 * Kubernetes API is a stand-in (FakeSecretApi): no cluster runs here.
 */
class TargetRegistrationScriptTest {

    private static final String ADMIN_TOKEN = "k8s-check-admin-" + UUID.randomUUID();
    private static final List<JsonNode> MANIFESTS = Chart.render();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static ConfigurableApplicationContext registry;
    private static String registryUrl;

    @TempDir
    Path dir;

    @BeforeAll
    static void startRegistry() throws IOException {
        JsonNode chartRegistry = rtmlContainers(MANIFESTS, "registry").get(0);
        TestDatabase.Connection db = TestDatabase.get();
        var s3 = TestS3.server();
        registry = new SpringApplicationBuilder(RegistryApiApplication.class).run(
                "--server.port=0",
                "--spring.main.banner-mode=off",
                "--spring.datasource.url=" + db.jdbcUrl(),
                "--spring.datasource.username=" + db.username(),
                "--spring.datasource.password=" + db.password(),
                "--rtml.s3.endpoint=" + s3.endpoint(),
                "--rtml.s3.bucket=" + TestS3.BUCKET,
                "--rtml.s3.access-key=" + s3.accessKey(),
                "--rtml.s3.secret-key=" + s3.secretKey(),
                "--rtml.registry.upload.spool-dir=" + Files.createTempDirectory("rtml-k8s-check-spool"),
                "--rtml.security.bootstrap-admin-token=" + ADMIN_TOKEN,
                "--rtml.node-credentials.key=k8s-check-node-credential-key-" + UUID.randomUUID(),
                // What the chart gives the registry: the node pods' names in their headless Services.
                "--rtml.targets.allowed-schemes=" + value(chartRegistry, "RTML_TARGETS_ALLOWED_SCHEMES"),
                "--rtml.targets.allowed-hosts=" + value(chartRegistry, "RTML_TARGETS_ALLOWED_HOSTS"));
        registryUrl = "http://127.0.0.1:" + registry.getEnvironment().getRequiredProperty("local.server.port");
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void registersEveryNodePodStoresItsCredentialSkipsItOnARerunAndReissuesALostOne() throws Exception {
        JsonNode job = podSpec(ofKind(MANIFESTS, "Job").findFirst().orElseThrow()).path("containers").get(0);
        List<String> pods = new ArrayList<>();
        for (String line : value(job, "TARGETS").split("\n")) {
            pods.add(line.split(" ")[0]);
        }
        assertThat(pods).containsExactly("rtml-hub-0", "rtml-edge-0", "rtml-edge-1");

        try (FakeSecretApi kubernetes = new FakeSecretApi(Chart.NAMESPACE, value(job, "CREDENTIALS_SECRET"), "sa-token")) {
            Result first = run(job, kubernetes);

            assertThat(first.status()).as(first.output()).isZero();
            Map<String, String> credentials = kubernetes.data();
            assertThat(credentials.keySet()).containsExactlyInAnyOrderElementsOf(pods);
            for (String pod : pods) {
                assertThat(desiredStateStatus(pod, credentials.get(pod))).as(pod).isEqualTo(200);
                JsonNode target = get("/api/v1/targets/" + pod, ADMIN_TOKEN);
                assertThat(target.at("/labels/node-group").asString()).isEqualTo(pod.replaceAll("^rtml-|-\\d+$", ""));
                assertThat(target.path("baseUrl").asString()).startsWith("http://" + pod + ".");
            }

            Result rerun = run(job, kubernetes);

            assertThat(rerun.status()).as(rerun.output()).isZero();
            assertThat(rerun.output()).contains("rtml-edge-1: registered, credential stored");
            assertThat(kubernetes.data()).isEqualTo(credentials);

            kubernetes.remove("rtml-edge-1");
            Result afterLoss = run(job, kubernetes);

            assertThat(afterLoss.status()).as(afterLoss.output()).isZero();
            String reissued = kubernetes.data().get("rtml-edge-1");
            assertThat(reissued).isNotNull().isNotEqualTo(credentials.get("rtml-edge-1"));
            assertThat(desiredStateStatus("rtml-edge-1", reissued)).isEqualTo(200);
            assertThat(desiredStateStatus("rtml-edge-1", credentials.get("rtml-edge-1"))).isEqualTo(401);
            assertThat(kubernetes.data().get("rtml-hub-0")).isEqualTo(credentials.get("rtml-hub-0"));
        }
    }

    @Test
    void failsWhenTheKubernetesApiRefusesItsToken() throws Exception {
        JsonNode job = podSpec(ofKind(MANIFESTS, "Job").findFirst().orElseThrow()).path("containers").get(0);
        try (FakeSecretApi kubernetes = new FakeSecretApi(Chart.NAMESPACE, value(job, "CREDENTIALS_SECRET"), "another-token")) {
            Result result = run(job, kubernetes);

            assertThat(result.status()).as(result.output()).isNotZero();
            assertThat(kubernetes.data()).isEmpty();
        }
    }

    private record Result(int status, String output) {
    }

    /** The Job's container: its script from the rendered ConfigMap, its environment, the registry here. */
    private Result run(JsonNode job, FakeSecretApi kubernetes) throws Exception {
        Path script = dir.resolve("register-targets.sh");
        Files.writeString(script, ofKind(MANIFESTS, "ConfigMap").findFirst().orElseThrow().at("/data/register-targets.sh").asString());
        Path serviceAccount = Files.createDirectories(dir.resolve("serviceaccount"));
        Files.writeString(serviceAccount.resolve("namespace"), Chart.NAMESPACE);
        Files.writeString(serviceAccount.resolve("token"), "sa-token");
        Files.writeString(serviceAccount.resolve("ca.crt"), "");

        ProcessBuilder builder = new ProcessBuilder("sh", script.toString()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("API_URL", registryUrl);
        env.put("ADMIN_TOKEN", ADMIN_TOKEN);
        env.put("CREDENTIALS_SECRET", value(job, "CREDENTIALS_SECRET"));
        env.put("TARGETS", value(job, "TARGETS"));
        env.put("KUBERNETES_API", kubernetes.url());
        env.put("SERVICE_ACCOUNT_DIR", serviceAccount.toString());
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the script ends").isTrue();
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static int desiredStateStatus(String target, String credential) throws Exception {
        return HTTP.send(request("/api/v1/targets/" + target + "/desired-state", credential), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static JsonNode get(String path, String token) throws Exception {
        HttpResponse<String> response = HTTP.send(request(path, token), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JsonMapper.shared().readTree(response.body());
    }

    private static HttpRequest request(String path, String token) {
        return HttpRequest.newBuilder(URI.create(registryUrl + path)).header("Authorization", "Bearer " + token).build();
    }
}
