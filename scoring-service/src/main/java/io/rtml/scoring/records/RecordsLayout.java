package io.rtml.scoring.records;

import io.rtml.scoring.runtime.Datatype;
import io.rtml.scoring.runtime.Signature;
import io.rtml.scoring.runtime.TensorSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How the fields of one record map onto the model's inputs (the rule documented in
 * docs/scoring-service.md): the first dimension of every input is the record (batch) dimension;
 * <ul>
 * <li>an input with one value per record ({@code [N]} or {@code [N,1]}) is a column: field = input name;</li>
 * <li>the one input with K &gt; 1 values per record takes one field per feature when feature names
 *     are known (stage request {@code featureNames}, else model metadata {@code feature_names});</li>
 * <li>any other input takes a field named like the input holding an array of its K values.</li>
 * </ul>
 */
final class RecordsLayout {

    enum Kind { COLUMN, FEATURES, ARRAY }

    /** One model input: its place in the per-record scratch row and its width. */
    record Column(TensorSpec spec, Kind kind, int offset, int width, long fixedBatch) {}

    /** Where a field's value goes: the column, and the position inside it. */
    record Slot(Column column, int index) {}

    final List<Column> columns;
    final Map<String, Slot> fields;
    /** All field names in order, for "missing field" messages. */
    final List<String> fieldNames;
    final int width;
    final String unsupported;

    private RecordsLayout(List<Column> columns, Map<String, Slot> fields, List<String> fieldNames, int width,
            String unsupported) {
        this.columns = columns;
        this.fields = fields;
        this.fieldNames = fieldNames;
        this.width = width;
        this.unsupported = unsupported;
    }

    static RecordsLayout of(Signature signature) {
        List<Column> columns = new ArrayList<>();
        Map<String, Slot> fields = new HashMap<>();
        List<String> names = new ArrayList<>();
        long wide = signature.inputs().stream().filter(s -> widthOf(s) > 1).count();
        int offset = 0;
        for (TensorSpec spec : signature.inputs()) {
            long width = widthOf(spec);
            if (spec.rank() == 0 || width < 1) {
                return new RecordsLayout(List.of(), Map.of(), List.of(), 0, "input '" + spec.name()
                        + "' " + spec + " has no fixed number of values per record; use the OIP infer endpoint");
            }
            if (spec.datatype() == Datatype.FP16 || !spec.datatype().canFeed()) {
                return new RecordsLayout(List.of(), Map.of(), List.of(), 0, "input '" + spec.name()
                        + "' has datatype " + spec.datatype() + ", which the records API does not take");
            }
            List<String> features = signature.featureNames();
            Kind kind = width == 1 ? Kind.COLUMN
                    : wide == 1 && spec.rank() == 2 && features.size() == width ? Kind.FEATURES : Kind.ARRAY;
            Column column = new Column(spec, kind, offset, (int) width, spec.dim(0));
            columns.add(column);
            if (kind == Kind.FEATURES) {
                for (int i = 0; i < width; i++) {
                    fields.put(features.get(i), new Slot(column, i));
                    names.add(features.get(i));
                }
            } else {
                fields.put(spec.name(), new Slot(column, 0));
                names.add(spec.name());
            }
            offset += (int) width;
        }
        return new RecordsLayout(columns, fields, names, offset, null);
    }

    /** Values per record: the product of all but the first dimension; -1 when one is dynamic. */
    private static long widthOf(TensorSpec spec) {
        long w = 1;
        for (int i = 1; i < spec.rank(); i++) {
            if (spec.dim(i) < 0) {
                return -1;
            }
            w *= spec.dim(i);
        }
        return w;
    }
}
