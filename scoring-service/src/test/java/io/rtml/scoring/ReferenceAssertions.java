package io.rtml.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/** Compares served values with a reference.json within its stated tolerance. */
final class ReferenceAssertions {

    private ReferenceAssertions() {}

    /** |actual - expected| <= atol + rtol * |expected|; zero tolerance means exact. */
    record Tolerance(double atol, double rtol) {
        static final Tolerance EXACT = new Tolerance(0, 0);

        static Tolerance of(JsonNode t) {
            return t == null || t.isMissingNode() || !t.isObject() ? EXACT
                    : new Tolerance(t.path("atol").asDouble(0), t.path("rtol").asDouble(0));
        }

        boolean accepts(double actual, double expected) {
            return actual == expected || Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
        }
    }

    /** The tolerance for float tensors: "values", else "probabilities"; exact when neither is given. */
    static Tolerance floats(JsonNode reference) {
        JsonNode t = reference.path("tolerance");
        return t.has("values") ? Tolerance.of(t.get("values")) : Tolerance.of(t.path("probabilities"));
    }

    static Tolerance probabilities(JsonNode reference) {
        return Tolerance.of(reference.path("tolerance").path("probabilities"));
    }

    static List<JsonNode> list(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    /** Asserts one value (a number, string or boolean) matches, numbers within tolerance for FP types. */
    static void assertValue(String what, JsonNode actual, JsonNode expected, String datatype, Tolerance tol) {
        if (datatype.startsWith("FP")) {
            assertThat(actual.isNumber()).as("%s is a number: %s", what, actual).isTrue();
            assertThat(tol.accepts(actual.asDouble(), expected.asDouble()))
                    .as("%s: %s vs reference %s (%s)", what, actual, expected, tol).isTrue();
        } else if (datatype.equals("BYTES")) {
            assertThat(actual.asString()).as(what).isEqualTo(expected.asString());
        } else if (datatype.equals("BOOL")) {
            assertThat(actual.asBoolean()).as(what).isEqualTo(expected.asBoolean());
        } else {
            assertThat(actual.asLong()).as(what).isEqualTo(expected.asLong());
        }
    }

    /** Asserts a ZipMap row {label: probability} matches the reference row. */
    static void assertMap(String what, JsonNode actual, JsonNode expected, Tolerance tol) {
        Map<String, Double> a = new TreeMap<>();
        actual.properties().forEach(e -> a.put(e.getKey(), e.getValue().asDouble()));
        Map<String, Double> x = new TreeMap<>();
        expected.properties().forEach(e -> x.put(e.getKey(), e.getValue().asDouble()));
        assertThat(a.keySet()).as("%s labels", what).isEqualTo(x.keySet());
        for (String k : x.keySet()) {
            assertThat(tol.accepts(a.get(k), x.get(k))).as("%s[%s]: %s vs %s", what, k, a.get(k), x.get(k)).isTrue();
        }
    }

    /** Asserts an OIP response output equals the reference output (ZipMap in its BYTES/JSON form). */
    static void assertOipOutput(JsonNode served, JsonNode expected, JsonNode reference) {
        String name = expected.path("name").asString();
        if (expected.path("datatype").asString().equals("SEQUENCE_OF_MAP")) {
            assertThat(served.path("datatype").asString()).isEqualTo("BYTES");
            assertThat(served.path("parameters").path("content_type").asString()).isEqualTo("application/json");
            assertThat(list(served.path("shape"))).map(JsonNode::asLong)
                    .containsExactly(expected.path("data").size() * 1L);
            for (int i = 0; i < expected.path("data").size(); i++) {
                JsonNode row = NodeClient.JSON.readTree(served.path("data").get(i).asString());
                assertMap(name + "[" + i + "]", row, expected.path("data").get(i), probabilities(reference));
            }
            return;
        }
        String datatype = expected.path("datatype").asString();
        assertThat(served.path("datatype").asString()).as(name).isEqualTo(datatype);
        assertThat(served.path("shape")).as(name + " shape").isEqualTo(expected.path("shape"));
        assertThat(served.path("data").size()).as(name + " size").isEqualTo(expected.path("data").size());
        Tolerance tol = floats(reference);
        for (int i = 0; i < expected.path("data").size(); i++) {
            assertValue(name + "[" + i + "]", served.path("data").get(i), expected.path("data").get(i), datatype, tol);
        }
    }
}
