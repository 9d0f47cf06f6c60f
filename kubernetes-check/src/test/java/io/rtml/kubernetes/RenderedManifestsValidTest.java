package io.rtml.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Every manifest the chart renders, with its default values and with each shipped values file, is valid Kubernetes. */
class RenderedManifestsValidTest {

    private static final KubernetesSchemas SCHEMAS = new KubernetesSchemas();

    static Stream<Arguments> valueSets() {
        return Stream.of(
                Arguments.of("default values", List.of(), Map.of()),
                Arguments.of("values-production.yaml", List.of("values-production.yaml"), Map.of()),
                // The other branches: the chart's own Secret, an endpoint, no registration Job.
                Arguments.of("secret from values, no registration", List.of(), Map.of("secrets.existingSecret", "",
                        "secrets.adminToken", "a".repeat(24), "secrets.nodeCredentialsKey", "k".repeat(32),
                        "database.password", "pw",
                        "s3.endpoint", "http://minio:9000", "s3.accessKey", "rtml", "s3.secretKey", "secret-key",
                        "targetRegistration.enabled", "false", "nodes.storageClassName", "standard")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valueSets")
    void everyRenderedManifestMatchesItsStrictSchema(String name, List<String> files, Map<String, Object> set) {
        List<JsonNode> manifests = Chart.render(files, set);

        assertThat(manifests).hasSizeGreaterThan(10);
        for (JsonNode manifest : manifests) {
            assertThat(SCHEMAS.validate(manifest))
                    .as("%s %s", manifest.path("kind").asString(), manifest.path("metadata").path("name").asString())
                    .isEmpty();
        }
    }

    @Test
    void theChartRendersEveryPartOfTheStack() {
        List<String> kinds = Chart.render().stream()
                .map(m -> m.path("kind").asString() + "/" + m.path("metadata").path("name").asString()).toList();

        assertThat(kinds).contains("Deployment/rtml-registry", "Service/rtml-registry", "Deployment/rtml-deployer",
                "StatefulSet/rtml-hub", "StatefulSet/rtml-edge", "Service/rtml-hub", "Service/rtml-edge-predict",
                "Secret/rtml-node-credentials", "PodDisruptionBudget/rtml-registry",
                "PodDisruptionBudget/rtml-deployer", "PodDisruptionBudget/rtml-hub", "PodDisruptionBudget/rtml-edge");
        assertThat(kinds).anyMatch(k -> k.startsWith("Job/rtml-register-"));
    }

    @Test
    void helmLintsTheChartStrictly() {
        LintResult lint = new Helm(Chart.DIR).lint().strict().call();

        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
        assertThat(lint.getMessages()).noneMatch(message -> message.contains("[WARNING]") || message.contains("[ERROR]"));
    }

    // The negative cases: a schema check that passed everything would pass the tests above too.

    @Test
    void aMisspeltFieldDeepInAPodTemplateIsRejected() {
        ObjectNode registry = (ObjectNode) find(Chart.render(), "Deployment", "rtml-registry");
        ObjectNode container = (ObjectNode) registry.at("/spec/template/spec/containers/0");
        container.set("readinesProbe", container.remove("readinessProbe"));

        assertThat(SCHEMAS.validate(registry)).anySatisfy(error -> assertThat(error).contains("readinesProbe"));
    }

    @Test
    void aMisspeltFieldInAVolumeClaimTemplateIsRejected() {
        ObjectNode hub = (ObjectNode) find(Chart.render(), "StatefulSet", "rtml-hub");
        ((ObjectNode) hub.at("/spec/volumeClaimTemplates/0/spec")).put("storageClass", "fast");

        assertThat(SCHEMAS.validate(hub)).anySatisfy(error -> assertThat(error).contains("storageClass"));
    }

    @Test
    void aValueOfTheWrongTypeAndAMissingRequiredFieldAreRejected() {
        ObjectNode deployer = (ObjectNode) find(Chart.render(), "Deployment", "rtml-deployer");
        ((ObjectNode) deployer.get("spec")).put("replicas", "two");
        ((ObjectNode) deployer.at("/spec/template/spec/containers/0")).remove("name");

        assertThat(SCHEMAS.validate(deployer))
                .anySatisfy(error -> assertThat(error).contains("replicas"))
                .anySatisfy(error -> assertThat(error).contains("name"));
    }

    @Test
    void aKindWithoutASchemaIsRejected() {
        JsonNode ingress = Chart.parse("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: x}\n").get(0);

        assertThat(SCHEMAS.validate(ingress)).singleElement().asString().contains("no schema");
    }

    static JsonNode find(List<JsonNode> manifests, String kind, String name) {
        return manifests.stream()
                .filter(m -> m.path("kind").asString().equals(kind) && m.path("metadata").path("name").asString().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }
}
