package io.rtml.kubernetes;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/** Reading rendered manifests: workloads, their containers, a container's variables, probes and ports. */
final class Workloads {

    private Workloads() {
    }

    static Stream<JsonNode> ofKind(List<JsonNode> manifests, String... kinds) {
        List<String> wanted = List.of(kinds);
        return manifests.stream().filter(m -> wanted.contains(m.path("kind").asString()));
    }

    static String name(JsonNode manifest) {
        return manifest.path("metadata").path("name").asString();
    }

    static JsonNode podSpec(JsonNode workload) {
        return workload.at("/spec/template/spec");
    }

    /** Init containers and containers of every Deployment, StatefulSet and Job. */
    static List<JsonNode> allContainers(List<JsonNode> manifests) {
        List<JsonNode> containers = new ArrayList<>();
        ofKind(manifests, "Deployment", "StatefulSet", "Job").forEach(w -> {
            podSpec(w).path("initContainers").forEach(containers::add);
            podSpec(w).path("containers").forEach(containers::add);
        });
        return containers;
    }

    /** The rtml containers (registry, deployer, node) and init containers running an image of this repository. */
    static List<JsonNode> rtmlContainers(List<JsonNode> manifests, String component) {
        return allContainers(manifests).stream()
                .filter(c -> c.path("image").asString().matches(".*/" + component + ":[^/]+")).toList();
    }

    static Optional<JsonNode> variable(JsonNode container, String name) {
        for (JsonNode env : container.path("env")) {
            if (env.path("name").asString().equals(name)) {
                return Optional.of(env);
            }
        }
        return Optional.empty();
    }

    static String value(JsonNode container, String name) {
        return variable(container, name).map(e -> e.path("value").asString(null))
                .orElseThrow(() -> new AssertionError(container.path("name").asString() + " has no value for " + name));
    }

    /** The containerPort of a port given by name or number. */
    static int port(JsonNode container, JsonNode port) {
        if (port.isNumber()) {
            return port.asInt();
        }
        for (JsonNode declared : container.path("ports")) {
            if (declared.path("name").asString().equals(port.asString())) {
                return declared.path("containerPort").asInt();
            }
        }
        throw new AssertionError(container.path("name").asString() + " declares no port " + port);
    }
}
