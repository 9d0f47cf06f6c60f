package io.rtml.registry.deployment;

import io.rtml.deployment.LabelSelector;
import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import io.rtml.registry.target.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * Reads the {@code targets} of a deployment request: names, {@code "all"}, or {@code {kind, region, selector}}
 * (a label selector, {@link io.rtml.deployment.LabelSelector}); {@code selector}, the request's own, narrows
 * whatever {@code targets} chose. Without either, the service's selector, if it has one, chooses.
 */
final class TargetSelection {

    private TargetSelection() {}

    static List<Target> select(JsonNode spec, String selector, String serviceSelector, List<Target> all) {
        boolean noTargets = spec == null || spec.isNull();
        List<Target> chosen;
        if (noTargets && selector == null && serviceSelector != null) {
            chosen = bySelector(all, serviceSelector, "the service's selector");
        } else {
            chosen = noTargets ? all : select(spec, all);
            if (selector != null) {
                chosen = bySelector(chosen, selector, "selector");
            }
        }
        if (chosen.isEmpty()) {
            String what = selector != null ? "selector '" + selector + "'"
                    : noTargets && serviceSelector != null ? "the service's selector '" + serviceSelector + "'"
                    : noTargets ? "\"all\"" : spec.toString();
            throw invalid("no target matches " + what + "; register targets with POST /api/v1/targets"
                    + " or change their labels");
        }
        return chosen;
    }

    private static List<Target> bySelector(List<Target> targets, String selector, String field) {
        LabelSelector parsed = Selectors.parse(selector, field);
        return targets.stream().filter(t -> parsed.matches(Selectors.candidate(t).attributes())).toList();
    }

    static List<Target> select(JsonNode spec, List<Target> all) {
        List<Target> chosen;
        if (spec == null || spec.isNull() || (spec.isString() && spec.asString().equals("all"))) {
            chosen = all;
        } else if (spec.isArray()) {
            chosen = byName(spec, all);
        } else if (spec.isObject()) {
            chosen = bySelector(spec, all);
        } else {
            throw invalid("targets must be a list of target names, \"all\", or {\"kind\": …, \"region\": …,"
                    + " \"selector\": …}");
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
        String labels = selector.path("selector").asString(null);
        List<Target> chosen = all.stream()
                .filter(t -> kind == null || t.kind().name().equals(kind.toUpperCase(Locale.ROOT)))
                .filter(t -> region == null || t.region().equals(region))
                .toList();
        return labels == null ? chosen : bySelector(chosen, labels, "targets.selector");
    }

    private static RtmlException invalid(String detail) {
        return new RtmlException(ErrorCode.VALIDATION_FAILED, detail);
    }
}
