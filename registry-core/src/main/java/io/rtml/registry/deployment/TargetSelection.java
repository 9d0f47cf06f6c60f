package io.rtml.registry.deployment;

import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import io.rtml.registry.target.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/** Reads the {@code targets} of a deployment request: names, {@code "all"}, or {@code {kind, region}}. */
final class TargetSelection {

    private TargetSelection() {}

    static List<Target> select(JsonNode spec, List<Target> all) {
        List<Target> chosen;
        if (spec == null || spec.isNull() || (spec.isString() && spec.asString().equals("all"))) {
            chosen = all;
        } else if (spec.isArray()) {
            chosen = byName(spec, all);
        } else if (spec.isObject()) {
            chosen = bySelector(spec, all);
        } else {
            throw invalid("targets must be a list of target names, \"all\", or {\"kind\": …, \"region\": …}");
        }
        if (chosen.isEmpty()) {
            throw invalid("no target matches " + (spec == null ? "\"all\"" : spec.toString())
                    + "; register targets with POST /api/v1/targets");
        }
        return chosen;
    }

    private static List<Target> byName(JsonNode names, List<Target> all) {
        Set<String> wanted = new TreeSet<>();
        names.forEach(n -> wanted.add(n.asString()));
        List<Target> chosen = new ArrayList<>();
        for (Target target : all) {
            if (wanted.remove(target.name())) {
                chosen.add(target);
            }
        }
        if (!wanted.isEmpty()) {
            throw invalid("unknown targets: " + String.join(", ", wanted));
        }
        return chosen;
    }

    private static List<Target> bySelector(JsonNode selector, List<Target> all) {
        String kind = selector.path("kind").asString(null);
        String region = selector.path("region").asString(null);
        return all.stream()
                .filter(t -> kind == null || t.kind().name().equals(kind.toUpperCase(Locale.ROOT)))
                .filter(t -> region == null || t.region().equals(region))
                .toList();
    }

    private static RtmlException invalid(String detail) {
        return new RtmlException(ErrorCode.VALIDATION_FAILED, detail);
    }
}
