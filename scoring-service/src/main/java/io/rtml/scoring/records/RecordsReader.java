package io.rtml.scoring.records;

import io.netty.buffer.ByteBufAllocator;
import io.rtml.scoring.http.ApiException;
import io.rtml.scoring.http.Json;
import io.rtml.scoring.runtime.Datatype;
import io.rtml.scoring.runtime.Inference.Feed;
import io.rtml.scoring.runtime.InputTensor;
import io.rtml.scoring.runtime.TensorBudget;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Streams {@code {"records":[{...}, ...]}} into one input tensor per model input, following a
 * {@link RecordsLayout}. Each record is first gathered into a scratch row (fields may come in any
 * order), checked for missing and repeated fields, then appended to the tensors.
 */
final class RecordsReader {

    private final RecordsLayout layout;
    private final long[] longs;
    private final double[] doubles;
    private final String[] strings;
    private final boolean[] present;

    private RecordsReader(RecordsLayout layout) {
        this.layout = layout;
        this.longs = new long[layout.width];
        this.doubles = new double[layout.width];
        this.strings = new String[layout.width];
        this.present = new boolean[layout.width];
    }

    /** Reads the body; the returned feeds own pooled buffers (close their tensors). */
    static List<Feed> read(JsonParser p, RecordsLayout layout, ByteBufAllocator alloc, TensorBudget budget) {
        List<InputTensor> tensors = new ArrayList<>();
        try {
            for (RecordsLayout.Column c : layout.columns) {
                tensors.add(new InputTensor(c.spec().name(), c.spec().datatype(), alloc, c.width() * 16, budget));
            }
            int n = new RecordsReader(layout).readBody(p, tensors);
            List<Feed> feeds = new ArrayList<>();
            for (int i = 0; i < tensors.size(); i++) {
                RecordsLayout.Column c = layout.columns.get(i);
                if (c.fixedBatch() >= 0 && c.fixedBatch() != n) {
                    throw ApiException.badRequest("this model takes exactly " + c.fixedBatch()
                            + " record(s) per request, got " + n);
                }
                long[] shape = c.spec().shape();
                shape[0] = n;
                feeds.add(new Feed(tensors.get(i), shape));
            }
            return feeds;
        } catch (RuntimeException e) {
            tensors.forEach(InputTensor::close);
            throw e;
        }
    }

    private int readBody(JsonParser p, List<InputTensor> tensors) {
        Json.expectObject(p, "the request body");
        int records = -1;
        String field;
        while ((field = p.nextName()) != null) {
            JsonToken t = p.nextToken();
            if (!field.equals("records")) {
                p.skipChildren();
                continue;
            }
            if (records >= 0) {
                throw ApiException.badRequest("the request body has the key 'records' twice");
            }
            if (t != JsonToken.START_ARRAY) {
                throw ApiException.badRequest("'records' must be an array of objects");
            }
            records = 0;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t != JsonToken.START_OBJECT) {
                    throw ApiException.badRequest("record " + records + " is not an object");
                }
                readRecord(p, records);
                append(tensors, records++);
            }
        }
        if (records < 0) {
            throw ApiException.badRequest("the request body has no 'records'");
        }
        if (records == 0) {
            throw ApiException.badRequest("'records' is empty");
        }
        return records;
    }

    private void readRecord(JsonParser p, int index) {
        Arrays.fill(present, false);
        String field;
        while ((field = p.nextName()) != null) {
            JsonToken t = p.nextToken();
            RecordsLayout.Slot slot = layout.fields.get(field);
            if (slot == null) {
                p.skipChildren(); // extra fields (ids, labels) are ignored
                continue;
            }
            RecordsLayout.Column c = slot.column();
            if (present[c.offset() + slot.index()]) {
                throw ApiException.badRequest("record " + index + " has the field '" + field + "' twice");
            }
            if (c.kind() == RecordsLayout.Kind.ARRAY) {
                readArray(p, t, c, index, field);
            } else {
                readValue(p, t, c.spec().datatype(), c.offset() + slot.index(), index, field);
            }
        }
        for (String name : layout.fieldNames) {
            RecordsLayout.Slot slot = layout.fields.get(name);
            if (!present[slot.column().offset() + slot.index()]) {
                throw ApiException.badRequest("record " + index + ": missing field '" + name + "'");
            }
        }
    }

    private void readArray(JsonParser p, JsonToken t, RecordsLayout.Column c, int index, String field) {
        if (t != JsonToken.START_ARRAY) {
            throw ApiException.badRequest("record " + index + ": field '" + field + "' must be an array of "
                    + c.width() + " values");
        }
        int i = 0;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (i == c.width()) {
                throw ApiException.badRequest("record " + index + ": field '" + field + "' must hold "
                        + c.width() + " values, it has more");
            }
            readValue(p, t, c.spec().datatype(), c.offset() + i++, index, field);
        }
        if (i != c.width()) {
            throw ApiException.badRequest("record " + index + ": field '" + field + "' must hold "
                    + c.width() + " values, it has " + i);
        }
        present[c.offset()] = true;
    }

    private void readValue(JsonParser p, JsonToken t, Datatype type, int at, int index, String field) {
        boolean number = t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT;
        switch (type) {
            case BYTES -> {
                check(t == JsonToken.VALUE_STRING, p, t, type, index, field);
                strings[at] = p.getString();
            }
            case BOOL -> {
                check(t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE, p, t, type, index, field);
                longs[at] = t == JsonToken.VALUE_TRUE ? 1 : 0;
            }
            case FP32, FP64 -> {
                check(number, p, t, type, index, field);
                doubles[at] = p.getDoubleValue();
            }
            default -> {
                check(t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER,
                        p, t, type, index, field);
                longs[at] = p.getLongValue();
            }
        }
        present[at] = true;
    }

    private static void check(boolean ok, JsonParser p, JsonToken t, Datatype type, int index, String field) {
        if (!ok) {
            throw ApiException.badRequest("record " + index + ": field '" + field + "' must be " + expected(type)
                    + ", got " + (t == JsonToken.VALUE_STRING ? "\"" + p.getString() + "\"" : p.getText()));
        }
    }

    private void append(List<InputTensor> tensors, int index) {
        for (int i = 0; i < tensors.size(); i++) {
            RecordsLayout.Column c = layout.columns.get(i);
            InputTensor tensor = tensors.get(i);
            try {
                for (int k = c.offset(), end = c.offset() + c.width(); k < end; k++) {
                    switch (c.spec().datatype()) {
                        case BYTES -> tensor.putString(strings[k]);
                        case BOOL -> tensor.putBool(longs[k] != 0);
                        case FP32, FP64 -> tensor.putDouble(doubles[k]);
                        default -> tensor.putLong(longs[k]);
                    }
                }
            } catch (ApiException e) {
                throw ApiException.badRequest("record " + index + ": " + e.getMessage());
            }
        }
    }

    private static String expected(Datatype type) {
        return switch (type) {
            case BYTES -> "a string";
            case BOOL -> "a boolean";
            case FP32, FP64 -> "a number";
            default -> "an integer";
        };
    }
}
