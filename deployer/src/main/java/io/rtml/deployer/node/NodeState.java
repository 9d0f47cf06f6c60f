package io.rtml.deployer.node;

import io.rtml.deployment.WholeNumbers;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/** What a node serves: the active version per service and every loaded version. */
public record NodeState(Map<String, Integer> active, Map<String, Set<Integer>> loaded) {

    static NodeState from(JsonNode json) {
        Map<String, Integer> active = new HashMap<>();
        Map<String, Set<Integer>> loaded = new HashMap<>();
        for (JsonNode service : json.path("services")) {
            String name = service.path("service").asString();
            if (service.hasNonNull("activeVersion")) {
                active.put(name, WholeNumbers.intOf(service, "activeVersion", 0));
            }
            Set<Integer> versions = new HashSet<>();
            for (JsonNode v : service.path("versions")) {
                versions.add(WholeNumbers.intOf(v, "version", 0));
            }
            loaded.put(name, versions);
        }
        return new NodeState(Map.copyOf(active), Map.copyOf(loaded));
    }

    public Integer activeVersion(String service) {
        return active.get(service);
    }
}
