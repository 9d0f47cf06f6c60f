package io.rtml.kubernetes;

import static io.rtml.kubernetes.Workloads.allContainers;
import static io.rtml.kubernetes.Workloads.name;
import static io.rtml.kubernetes.Workloads.ofKind;
import static io.rtml.kubernetes.Workloads.podSpec;
import static io.rtml.kubernetes.Workloads.port;
import static io.rtml.kubernetes.Workloads.rtmlContainers;
import static io.rtml.kubernetes.Workloads.value;
import static io.rtml.kubernetes.Workloads.variable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;

/**
 * What the chart must get right about rtml itself, which no Kubernetes schema knows: the variables are
 * settings the apps read, the probes are endpoints the apps serve, each node has its cache on a volume of
 * its own and is registered as a target the registry accepts, the images are the ones docker/ builds.
 */
class ChartFactsTest {

    private static final Path ROOT = Chart.ROOT;
    private static final List<JsonNode> DEFAULT = Chart.render();
    private static final List<JsonNode> PRODUCTION = Chart.render("values-production.yaml");
    private static final Pattern VARIABLE_IN_SCRIPT = Pattern.compile("\\$\\{?(RTML_[A-Z0-9_]+)|^\\s*(RTML_[A-Z0-9_]+)=",
            Pattern.MULTILINE);

    static Stream<Arguments> renders() {
        return Stream.of(Arguments.of("default values", DEFAULT), Arguments.of("values-production.yaml", PRODUCTION));
    }

    // Settings: every variable the chart gives an rtml process is one its docs table lists.

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void everyRegistryVariableIsInTheReadmeSettingsTable(String values, List<JsonNode> manifests) {
        assertThat(variables(manifests, "registry")).contains("RTML_SECURITY_BOOTSTRAP_ADMIN_TOKEN", "RTML_NODE_CREDENTIALS_KEY");
        assertThat(undocumented(manifests, "registry")).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void everyDeployerVariableIsInTheDeployerSettingsTable(String values, List<JsonNode> manifests) {
        assertThat(variables(manifests, "deployer")).contains("RTML_DEPLOYER_INSTANCE_ID", "RTML_NODE_CREDENTIALS_KEY");
        assertThat(undocumented(manifests, "deployer")).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void everyNodeVariableIsInTheScoringSettingsTableScriptsIncluded(String values, List<JsonNode> manifests) {
        assertThat(variables(manifests, "scoring")).contains("RTML_SCORING_ADMIN_TOKEN", "RTML_SCORING_NODE_NAME");
        assertThat(undocumented(manifests, "scoring")).isEmpty();
    }

    @Test
    void aVariableNoTableNamesIsCaught() {
        List<JsonNode> manifests = Chart.render(List.of(), Map.of("registry.env.RTML_REGISTRY_UPLOAD_MAXSIZE", "1GB",
                "deployer.env.RTML_DEPLOYER_LEASES", "10s", "deployer.env.RTML_S3_ENDPOINTS", "x",
                "nodes.env.RTML_SCORING_ARTIFACT_CACHE_MB", "1"));

        assertThat(undocumented(manifests, "registry")).containsExactly("RTML_REGISTRY_UPLOAD_MAXSIZE");
        assertThat(undocumented(manifests, "deployer")).containsExactly("RTML_DEPLOYER_LEASES", "RTML_S3_ENDPOINTS");
        assertThat(undocumented(manifests, "scoring")).containsExactly("RTML_SCORING_ARTIFACT_CACHE_MB");
    }

    /** The variables of a component's containers that its settings table does not name, sorted. */
    private static List<String> undocumented(List<JsonNode> manifests, String component) {
        SettingsTables readme = SettingsTables.of(ROOT.resolve("README.md"));
        Predicate<String> documented = switch (component) {
            case "registry" -> readme::names;
            case "deployer" -> {
                SettingsTables deployer = SettingsTables.of(ROOT.resolve("docs/deployer.md"));
                // docs/deployer.md names the S3 and database settings as families "as registry-api", whose
                // members are the README's; the README's logging row is Spring Boot's, read by every Spring app.
                yield name -> deployer.names(name) || deployer.namesFamilyOf(name) && readme.names(name)
                        || name.startsWith("LOGGING_") && readme.names(name);
            }
            case "scoring" -> SettingsTables.of(ROOT.resolve("docs/scoring-service.md"))::names;
            default -> throw new IllegalArgumentException(component);
        };
        return variables(manifests, component).stream().filter(documented.negate()).sorted().toList();
    }

    // Probes: on endpoints the apps serve, on the ports they listen on.

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void registryAndDeployerProbesAreTheActuatorHealthGroupsOnTheServerPort(String values, List<JsonNode> manifests)
            throws IOException {
        for (String component : List.of("registry", "deployer")) {
            Path yml = ROOT.resolve(component.equals("registry") ? "registry-api/src/main/resources/application.yml"
                    : "deployer/src/main/resources/deployer.yml");
            Map<String, Object> config = new Yaml().load(Files.readString(yml));
            // Spring Boot serves /actuator/health/liveness and /readiness only with probes enabled and health exposed.
            assertThat(at(config, "management.endpoint.health.probes.enabled")).as(yml.toString()).isEqualTo(true);
            assertThat(String.valueOf(at(config, "management.endpoints.web.exposure.include"))).contains("health");

            JsonNode container = rtmlContainers(manifests, component).get(0);
            int serverPort = Integer.parseInt(value(container, "SERVER_PORT"));
            assertThat(container.at("/readinessProbe/httpGet/path").asString()).isEqualTo("/actuator/health/readiness");
            assertThat(container.at("/livenessProbe/httpGet/path").asString()).isEqualTo("/actuator/health/liveness");
            assertThat(container.at("/startupProbe/httpGet/path").asString()).isEqualTo("/actuator/health/liveness");
            for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
                assertThat(port(container, container.path(probe).at("/httpGet/port"))).as(component + " " + probe)
                        .isEqualTo(serverPort);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void nodesAreReadyOnlyOnceTheyServeTheirDesiredState(String values, List<JsonNode> manifests) throws IOException {
        String scoringDoc = Files.readString(ROOT.resolve("docs/scoring-service.md"));
        String oip = Files.readString(ROOT.resolve("scoring-service/src/main/java/io/rtml/scoring/oip/OipHandler.java"));
        // The node's own readiness: 503 until every service of its desired state has an active version.
        assertThat(scoringDoc).containsPattern("\\| `GET /v2/health/ready` \\| 200 .*once the node knows what it should serve")
                .contains("| `GET /v2/health/live` |");
        assertThat(oip).contains("\"health\"").contains("\"ready\"").contains("\"live\"");

        List<JsonNode> nodes = rtmlContainers(manifests, "scoring").stream()
                .filter(c -> c.path("name").asString().equals("node")).toList();
        assertThat(nodes).hasSize((int) ofKind(manifests, "StatefulSet").count());
        for (JsonNode node : nodes) {
            int predictionPort = Integer.parseInt(value(node, "RTML_SCORING_PORT"));
            assertThat(node.at("/readinessProbe/httpGet/path").asString()).isEqualTo("/v2/health/ready");
            assertThat(node.at("/livenessProbe/httpGet/path").asString()).isEqualTo("/v2/health/live");
            assertThat(port(node, node.at("/readinessProbe/httpGet/port"))).isEqualTo(predictionPort);
            assertThat(port(node, node.at("/livenessProbe/httpGet/port"))).isEqualTo(predictionPort);
        }
    }

    // Nodes: a persistent artifact cache each, reachable by the deployers even when not ready.

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void eachNodeKeepsItsArtifactCacheOnAVolumeOfItsOwn(String values, List<JsonNode> manifests) {
        ofKind(manifests, "StatefulSet").forEach(set -> {
            JsonNode node = podSpec(set).path("containers").get(0);
            JsonNode claim = set.at("/spec/volumeClaimTemplates/0");
            String dataDir = value(node, "RTML_SCORING_DATA_DIR");
            assertThat(node.path("volumeMounts")).as(name(set)).anySatisfy(mount -> {
                assertThat(mount.path("name").asString()).isEqualTo(claim.at("/metadata/name").asString());
                assertThat(mount.path("mountPath").asString()).isEqualTo(dataDir);
            });
            long volumeMib = mebibytes(claim.at("/spec/resources/requests/storage").asString());
            long cacheMib = Long.parseLong(value(node, "RTML_SCORING_ARTIFACT_CACHE_MIB"));
            assertThat(cacheMib).as(name(set) + ": cache budget below the volume").isPositive().isLessThan(volumeMib);
            assertThat(set.at("/spec/podManagementPolicy").asString()).isEqualTo("Parallel");

            JsonNode headless = service(manifests, set.at("/spec/serviceName").asString());
            assertThat(headless.at("/spec/clusterIP").asString()).isEqualTo("None");
            // A node that is not ready may be waiting for the deployer to stage its versions again.
            assertThat(headless.at("/spec/publishNotReadyAddresses").asBoolean()).isTrue();
            JsonNode predict = service(manifests, set.at("/spec/serviceName").asString() + "-predict");
            assertThat(predict.at("/spec/ports")).singleElement()
                    .satisfies(p -> assertThat(p.path("port").asInt()).isEqualTo(Integer.parseInt(value(node, "RTML_SCORING_PORT"))));
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void everyNodePodIsRegisteredAsATargetTheRegistryAccepts(String values, List<JsonNode> manifests) {
        JsonNode registry = rtmlContainers(manifests, "registry").get(0);
        List<String> schemes = List.of(value(registry, "RTML_TARGETS_ALLOWED_SCHEMES").split(","));
        List<String> hosts = List.of(value(registry, "RTML_TARGETS_ALLOWED_HOSTS").split(","));
        JsonNode job = ofKind(manifests, "Job").findFirst().orElseThrow();
        Map<String, URI> targets = new java.util.HashMap<>();
        for (String line : value(podSpec(job).path("containers").get(0), "TARGETS").split("\n")) {
            String[] fields = line.split(" ", 5);
            targets.put(fields[0], URI.create(fields[3]));
        }

        Set<String> pods = new HashSet<>();
        ofKind(manifests, "StatefulSet").forEach(set -> {
            int adminPort = Integer.parseInt(value(podSpec(set).path("containers").get(0), "RTML_SCORING_ADMIN_PORT"));
            for (int i = 0; i < set.at("/spec/replicas").asInt(); i++) {
                String pod = name(set) + "-" + i;
                pods.add(pod);
                URI url = targets.get(pod);
                assertThat(url).as(pod).isNotNull();
                assertThat(url.getHost()).isEqualTo(pod + "." + set.at("/spec/serviceName").asString() + "." + Chart.NAMESPACE
                        + ".svc.cluster.local");
                assertThat(url.getPort()).isEqualTo(adminPort);
                assertThat(schemes).contains(url.getScheme());
                assertThat(hosts).anyMatch(allowed -> allowedBy(allowed, url.getHost()));
            }
        });
        assertThat(targets.keySet()).isEqualTo(pods);
    }

    @Test
    void targetsOutsideTheClusterAreAllowedBesideTheNodePods(@TempDir Path dir) throws IOException {
        JsonNode registry = rtmlContainers(PRODUCTION, "registry").get(0);

        assertThat(value(registry, "RTML_TARGETS_ALLOWED_SCHEMES")).isEqualTo("http,https");
        assertThat(value(registry, "RTML_TARGETS_ALLOWED_HOSTS").split(",")).contains("*.shops.example.com",
                "*.rtml-edge-us.ml.svc.cluster.local");
        Path cidrs = Files.writeString(dir.resolve("cidrs.yaml"), "registry: {targets: {allowedCidrs: [10.20.0.0/16, 10.30.0.0/16]}}");
        JsonNode withCidrs = rtmlContainers(Chart.render(cidrs.toString()), "registry").get(0);
        assertThat(value(withCidrs, "RTML_TARGETS_ALLOWED_CIDRS")).isEqualTo("10.20.0.0/16,10.30.0.0/16");
        assertThat(variable(registry, "RTML_TARGETS_ALLOWED_CIDRS")).isEmpty();
    }

    @Test
    void theRegistrationJobIsANewJobWhenItsTargetsOrSettingsChangeAndOnlyThen(@TempDir Path dir) throws IOException {
        Path scaled = dir.resolve("scaled.yaml");
        Files.writeString(scaled, """
                nodes:
                  groups:
                    - {name: hub, kind: HUB, region: central, replicas: 1, cacheSize: 20Gi, artifactCacheMib: 16384}
                    - {name: edge, kind: EDGE, region: eu, replicas: 3, cacheSize: 10Gi, artifactCacheMib: 8192}
                """);

        String job = registrationJob(DEFAULT);

        assertThat(registrationJob(Chart.render())).isEqualTo(job);
        assertThat(registrationJob(Chart.render(scaled.toString()))).isNotEqualTo(job);
        assertThat(registrationJob(Chart.render(List.of(), Map.of("targetRegistration.image", "curlimages/curl:8.12.0"))))
                .isNotEqualTo(job);
    }

    private static String registrationJob(List<JsonNode> manifests) {
        return name(ofKind(manifests, "Job").findFirst().orElseThrow());
    }

    // Secrets: tokens and keys never as plain values; the registry and the deployers share the key.

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void tokensKeysAndPasswordsComeFromSecrets(String values, List<JsonNode> manifests) {
        for (JsonNode container : allContainers(manifests)) {
            for (JsonNode env : container.path("env")) {
                String variable = env.path("name").asString();
                if (variable.matches(".*(TOKEN|KEY|PASSWORD).*")) {
                    assertThat(env.at("/valueFrom/secretKeyRef/key").asString()).as(variable).isNotEmpty();
                }
            }
        }
        Set<JsonNode> keyRefs = new HashSet<>();
        Stream.concat(rtmlContainers(manifests, "registry").stream(), rtmlContainers(manifests, "deployer").stream())
                .forEach(c -> keyRefs.add(variable(c, "RTML_NODE_CREDENTIALS_KEY").orElseThrow().at("/valueFrom/secretKeyRef")));
        assertThat(keyRefs).hasSize(1);
    }

    @Test
    void aChartMadeSecretNeedsTokensOfTheLengthsTheAppsRequire() {
        Map<String, Object> made = Map.of("secrets.existingSecret", "", "secrets.nodeCredentialsKey", "k".repeat(32));

        assertThatThrownBy(() -> Chart.render(List.of(), made)).hasMessageContaining("secrets.adminToken is required");
        Map<String, Object> shortToken = new java.util.HashMap<>(made);
        shortToken.put("secrets.adminToken", "a".repeat(23));
        assertThatThrownBy(() -> Chart.render(List.of(), shortToken)).hasMessageContaining("at least 24 characters");
        shortToken.put("secrets.adminToken", "a".repeat(24));
        assertThat(Chart.render(List.of(), shortToken)).anyMatch(m -> m.path("kind").asString().equals("Secret")
                && name(m).equals("rtml") && m.at("/data/admin-token").isString());
    }

    // Images, users and writable paths: those of docker/Dockerfile.*.

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void everyRtmlImageIsBuiltByADockerfileWhoseUserThePodsRunAs(String values, List<JsonNode> manifests) throws IOException {
        for (String component : List.of("registry", "deployer", "scoring")) {
            String dockerfile = Files.readString(ROOT.resolve("docker/Dockerfile." + component));
            Matcher uid = Pattern.compile("--uid (\\d+)").matcher(dockerfile);
            assertThat(uid.find()).isTrue();
            assertThat(rtmlContainers(manifests, component)).as(component).isNotEmpty();
            ofKind(manifests, "Deployment", "StatefulSet")
                    .filter(w -> podSpec(w).path("containers").get(0).path("image").asString().matches(".*/" + component + ":.*"))
                    .forEach(w -> assertThat(podSpec(w).at("/securityContext/runAsUser").asInt()).isEqualTo(
                            Integer.parseInt(uid.group(1))));
        }
        String scoring = Files.readString(ROOT.resolve("docker/Dockerfile.scoring"));
        rtmlContainers(manifests, "scoring").stream().filter(c -> c.path("name").asString().equals("node"))
                .forEach(node -> {
                    Matcher jar = Pattern.compile("exec java -jar (\\S+)").matcher(node.path("args").get(0).asString());
                    assertThat(jar.find()).isTrue();
                    assertThat(scoring).contains("COPY scoring-service/target/scoring-service-*-exec.jar " + jar.group(1));
                });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void everyContainerRunsNonRootOnAReadOnlyRootWithRequestsAndWritesOnlyToVolumes(String values, List<JsonNode> manifests) {
        ofKind(manifests, "Deployment", "StatefulSet", "Job")
                .forEach(w -> assertThat(podSpec(w).at("/securityContext/runAsNonRoot").asBoolean()).as(name(w)).isTrue());
        for (JsonNode container : allContainers(manifests)) {
            String name = container.path("name").asString();
            assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).as(name).isTrue();
            assertThat(container.at("/securityContext/allowPrivilegeEscalation").asBoolean(true)).as(name).isFalse();
            assertThat(container.at("/securityContext/capabilities/drop").toString()).as(name).contains("ALL");
            assertThat(container.at("/resources/requests/cpu").isMissingNode()).as(name).isFalse();
            assertThat(container.at("/resources/requests/memory").isMissingNode()).as(name).isFalse();
        }
        for (String component : List.of("registry", "deployer", "scoring")) {
            rtmlContainers(manifests, component).stream().filter(c -> !c.path("name").asString().startsWith("await"))
                    .forEach(c -> {
                        List<String> writable = new ArrayList<>(List.of("/tmp"));
                        variable(c, "RTML_REGISTRY_UPLOAD_SPOOL_DIR").ifPresent(v -> writable.add(v.path("value").asString()));
                        variable(c, "RTML_SCORING_DATA_DIR").ifPresent(v -> writable.add(v.path("value").asString()));
                        List<String> mounts = new ArrayList<>();
                        c.path("volumeMounts").forEach(m -> mounts.add(m.path("mountPath").asString()));
                        assertThat(mounts).as(component).containsAll(writable);
                    });
        }
    }

    // Availability.

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void deployersAreSeveralEachWithItsOwnInstanceIdAndEveryWorkloadHasADisruptionBudget(String values,
            List<JsonNode> manifests) {
        JsonNode deployers = ofKind(manifests, "Deployment").filter(d -> name(d).endsWith("-deployer")).findFirst().orElseThrow();
        assertThat(deployers.at("/spec/replicas").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(variable(podSpec(deployers).path("containers").get(0), "RTML_DEPLOYER_INSTANCE_ID").orElseThrow()
                .at("/valueFrom/fieldRef/fieldPath").asString()).isEqualTo("metadata.name");

        List<JsonNode> budgets = ofKind(manifests, "PodDisruptionBudget").toList();
        ofKind(manifests, "Deployment", "StatefulSet").forEach(workload -> {
            JsonNode labels = workload.at("/spec/template/metadata/labels");
            assertThat(budgets).as(name(workload)).anySatisfy(budget -> budget.at("/spec/selector/matchLabels").properties()
                    .forEach(label -> assertThat(labels.path(label.getKey()).asString()).isEqualTo(label.getValue().asString())));
        });
    }

    private static Set<String> variables(List<JsonNode> manifests, String component) {
        Set<String> names = new HashSet<>();
        for (JsonNode container : rtmlContainers(manifests, component)) {
            container.path("env").forEach(env -> names.add(env.path("name").asString()));
            for (String field : List.of("command", "args")) {
                container.path(field).forEach(line -> {
                    Matcher m = VARIABLE_IN_SCRIPT.matcher(line.asString());
                    while (m.find()) {
                        names.add(m.group(1) != null ? m.group(1) : m.group(2));
                    }
                });
            }
        }
        return names;
    }

    /** rtml.targets.allowed-hosts: a host exactly, or *.suffix for the suffix's subdomains. */
    private static boolean allowedBy(String allowed, String host) {
        return allowed.startsWith("*.") ? host.endsWith(allowed.substring(1)) : host.equals(allowed);
    }

    private static JsonNode service(List<JsonNode> manifests, String name) {
        return ofKind(manifests, "Service").filter(s -> name(s).equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no Service " + name));
    }

    private static long mebibytes(String quantity) {
        Matcher m = Pattern.compile("(\\d+)(Mi|Gi|Ti)").matcher(quantity);
        assertThat(m.matches()).as(quantity).isTrue();
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "Mi" -> n;
            case "Gi" -> n * 1024;
            default -> n * 1024 * 1024;
        };
    }

    @SuppressWarnings("unchecked")
    private static Object at(Map<String, Object> yaml, String dotted) {
        Object node = yaml;
        for (String key : dotted.split("\\.")) {
            node = node instanceof Map<?, ?> map ? ((Map<String, Object>) map).get(key) : null;
        }
        return node;
    }
}
