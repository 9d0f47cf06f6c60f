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
 * by name, with their types and fixed dimensions. A dimension that is symbolic or unknown on
 * either side is left out: symbolic batch dimensions differ between exporters without changing
 * what a caller sends. Used by a rebind (every difference counts) and by the deployment guard
 * (only those that {@link Difference#breaksCallers() break callers}).
 */
public final class SignatureComparison {

    private SignatureComparison() {}

    /** One way the new signature differs from the running one, stable for clients to branch on. */
    public enum Kind {
        MISSING_INPUT, NEW_INPUT, INPUT_TYPE_CHANGED, INPUT_SHAPE_CHANGED,
        MISSING_OUTPUT, NEW_OUTPUT, OUTPUT_TYPE_CHANGED, OUTPUT_SHAPE_CHANGED
    }

    /**
     * @param value the input's or output's name
     * @param message the difference in words
     */
    public record Difference(Kind kind, String value, String message) {

        /**
         * Whether a caller of the running version fails against the new one. Only a new output does
         * not break anything; a new input does, since ONNX inputs are never optional.
         */
        public boolean breaksCallers() {
            return kind != Kind.NEW_OUTPUT;
        }
    }

    /** The differences; empty when the signatures agree on names, types and fixed dimensions. */
    public static List<Difference> differences(ModelSignature running, ModelSignature next) {
        List<Difference> differences = new ArrayList<>();
        compare(Side.INPUT, running.inputs(), next.inputs(), differences);
        compare(Side.OUTPUT, running.outputs(), next.outputs(), differences);
        return differences;
    }

    private enum Side {
        INPUT("input", Kind.MISSING_INPUT, Kind.NEW_INPUT, Kind.INPUT_TYPE_CHANGED, Kind.INPUT_SHAPE_CHANGED),
        OUTPUT("output", Kind.MISSING_OUTPUT, Kind.NEW_OUTPUT, Kind.OUTPUT_TYPE_CHANGED, Kind.OUTPUT_SHAPE_CHANGED);

        final String word;
        final Kind missing;
        final Kind added;
        final Kind typeChanged;
        final Kind shapeChanged;

        Side(String word, Kind missing, Kind added, Kind typeChanged, Kind shapeChanged) {
            this.word = word;
            this.missing = missing;
            this.added = added;
            this.typeChanged = typeChanged;
            this.shapeChanged = shapeChanged;
        }
    }

    private static void compare(Side side, List<ValueSpec> before, List<ValueSpec> after, List<Difference> differences) {
        Map<String, ValueSpec> old = byName(before);
        Map<String, ValueSpec> now = byName(after);
        for (ValueSpec value : before) {
            ValueSpec match = now.get(value.name());
            String what = side.word + " '" + value.name() + "'";
            if (match == null) {
                differences.add(new Difference(side.missing, value.name(), what + " is missing"));
            } else if (!Objects.equals(type(value), type(match))) {
                differences.add(new Difference(side.typeChanged, value.name(),
                        what + " changes type from " + type(value) + " to " + type(match)));
            } else if (!fixedDimensionsAgree(value.shape(), match.shape())) {
                differences.add(new Difference(side.shapeChanged, value.name(),
                        what + " changes shape from " + shape(value) + " to " + shape(match)));
            }
        }
        for (ValueSpec value : after) {
            if (!old.containsKey(value.name())) {
                differences.add(new Difference(side.added, value.name(),
                        "new " + side.word + " '" + value.name() + "' (" + type(value) + ")"));
            }
        }
    }

    /**
     * False when the ranks differ or a dimension fixed on both sides changes size; an unknown shape
     * (null) or a symbolic or unknown dimension on either side agrees with anything.
     */
    static boolean fixedDimensionsAgree(List<Object> before, List<Object> after) {
        if (before == null || after == null) {
            return true;
        }
        if (before.size() != after.size()) {
            return false;
        }
        for (int i = 0; i < before.size(); i++) {
            if (before.get(i) instanceof Long a && after.get(i) instanceof Long b && !a.equals(b)) {
                return false;
            }
        }
        return true;
    }

    private static String type(ValueSpec value) {
        return value.datatype() != null ? value.onnxType() + " " + value.datatype() : value.onnxType();
    }

    private static String shape(ValueSpec value) {
        return value.shape().stream().map(d -> d == null ? "?" : d.toString())
                .collect(Collectors.joining(", ", "[", "]"));
    }

    private static Map<String, ValueSpec> byName(List<ValueSpec> values) {
        return values.stream().collect(Collectors.toMap(ValueSpec::name, Function.identity(), (a, b) -> a));
    }
}
