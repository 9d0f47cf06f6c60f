package io.rtml.registry.gallery;

import io.rtml.onnx.ModelSignature;
import io.rtml.onnx.ValueSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a client of the service would notice if one model replaced the other: inputs and outputs
 * by name, with their types. Shapes are left out: symbolic batch dimensions differ between
 * exporters without changing what a caller sends.
 */
final class SignatureComparison {

    private SignatureComparison() {}

    /** The differences, in words; empty when a caller of the running version can call the new one. */
    static List<String> differences(ModelSignature running, ModelSignature next) {
        List<String> differences = new ArrayList<>();
        compare("input", running.inputs(), next.inputs(), differences);
        compare("output", running.outputs(), next.outputs(), differences);
        return differences;
    }

    private static void compare(String what, List<ValueSpec> before, List<ValueSpec> after, List<String> differences) {
        Map<String, ValueSpec> old = byName(before);
        Map<String, ValueSpec> now = byName(after);
        for (ValueSpec value : before) {
            ValueSpec match = now.get(value.name());
            if (match == null) {
                differences.add(what + " '" + value.name() + "' is missing");
            } else if (!Objects.equals(type(value), type(match))) {
                differences.add(what + " '" + value.name() + "' changes type from " + type(value) + " to " + type(match));
            }
        }
        for (ValueSpec value : after) {
            if (!old.containsKey(value.name())) {
                differences.add("new " + what + " '" + value.name() + "' (" + type(value) + ")");
            }
        }
    }

    private static String type(ValueSpec value) {
        return value.datatype() != null ? value.onnxType() + " " + value.datatype() : value.onnxType();
    }

    private static Map<String, ValueSpec> byName(List<ValueSpec> values) {
        return values.stream().collect(Collectors.toMap(ValueSpec::name, Function.identity(), (a, b) -> a));
    }
}
