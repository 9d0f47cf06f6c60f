package io.rtml.scoring.runtime;

import io.rtml.onnx.ProtoReader;
import io.rtml.onnx.proto.AttributeProto;
import io.rtml.onnx.proto.GraphProto;
import io.rtml.onnx.proto.ModelProto;
import io.rtml.onnx.proto.NodeProto;
import io.rtml.onnx.proto.TensorProto;
import io.rtml.onnx.proto.TypeProto;
import io.rtml.onnx.proto.ValueInfoProto;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Makes ZipMap outputs cheap to serve. Reading a sequence of maps through ONNX Runtime for Java
 * costs tens of microseconds per row (a JNI round trip and boxed HashMap per map), while the
 * probability tensor that feeds the ZipMap node is one float copy. So at load time the model's
 * top-level ZipMap nodes are found in the file, their input tensors are added as extra graph
 * outputs, and a ZipMap output is rebuilt from that tensor and the node's class labels, which is
 * exactly what ZipMap does.
 *
 * <p>The extra outputs are a second {@code graph} field appended to the file: protobuf merges
 * repeated occurrences of an embedded message, so the original bytes stay untouched. The file is
 * read as a stream and every field but the nodes' names, types and labels is skipped, so a model's
 * weights are never read into the heap.
 */
final class ZipMapRewrite {

    /** One ZipMap node: the output it produces, the tensor it reads, and its labels (longs or strings). */
    record ZipMapNode(String output, String input, long[] longLabels, String[] stringLabels) {
        int classes() {
            return longLabels != null ? longLabels.length : stringLabels.length;
        }

        Datatype keyType() {
            return longLabels != null ? Datatype.INT64 : Datatype.BYTES;
        }
    }

    /** The bytes to append to the model file (empty: load it as it is) and the ZipMap nodes found. */
    record Result(byte[] suffix, List<ZipMapNode> zipMaps, Set<String> addedOutputs) {
        static final Result NONE = new Result(new byte[0], List.of(), Set.of());
    }

    private final ProtoReader reader;
    private final List<ZipMapNode> found = new ArrayList<>();
    private final Set<String> outputs = new HashSet<>();

    private ZipMapRewrite(ProtoReader reader) {
        this.reader = reader;
    }

    static Result scan(Path model) {
        try (InputStream stream = Files.newInputStream(model)) {
            ZipMapRewrite rewrite = new ZipMapRewrite(new ProtoReader(stream));
            rewrite.model();
            return rewrite.result();
        } catch (IOException | RuntimeException e) {
            // Not a protobuf we understand: load the original file and let ONNX Runtime judge it.
            return Result.NONE;
        }
    }

    private void model() throws IOException {
        for (int tag = reader.nextTag(); tag != 0; tag = reader.nextTag()) {
            if (ProtoReader.field(tag) == ModelProto.GRAPH_FIELD_NUMBER) {
                int outer = reader.enter(tag);
                graph();
                reader.leave(outer);
            } else {
                reader.skip(tag);
            }
        }
    }

    private void graph() throws IOException {
        for (int tag = reader.nextTag(); tag != 0; tag = reader.nextTag()) {
            int field = ProtoReader.field(tag);
            if (field == GraphProto.NODE_FIELD_NUMBER || field == GraphProto.OUTPUT_FIELD_NUMBER) {
                int outer = reader.enter(tag);
                if (field == GraphProto.NODE_FIELD_NUMBER) {
                    node();
                } else {
                    outputs.add(valueName());
                }
                reader.leave(outer);
            } else {
                reader.skip(tag); // initializers: the weights, never read
            }
        }
    }

    private Result result() {
        if (found.isEmpty()) {
            return Result.NONE;
        }
        GraphProto.Builder extra = GraphProto.newBuilder();
        Set<String> added = new HashSet<>();
        for (ZipMapNode z : found) {
            if (outputs.add(z.input())) {
                added.add(z.input());
                extra.addOutput(ValueInfoProto.newBuilder().setName(z.input()).setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE))));
            }
        }
        byte[] suffix = ModelProto.newBuilder().setGraph(extra).build().toByteArray();
        return new Result(suffix, List.copyOf(found), Set.copyOf(added));
    }

    private String valueName() throws IOException {
        String name = null;
        for (int tag = reader.nextTag(); tag != 0; tag = reader.nextTag()) {
            if (ProtoReader.field(tag) == ValueInfoProto.NAME_FIELD_NUMBER) {
                name = reader.readText(tag);
            } else {
                reader.skip(tag);
            }
        }
        return name;
    }

    private void node() throws IOException {
        String opType = null;
        String domain = "";
        String input = null;
        String output = null;
        List<Long> longs = new ArrayList<>();
        List<String> strings = new ArrayList<>();
        for (int tag = reader.nextTag(); tag != 0; tag = reader.nextTag()) {
            switch (ProtoReader.field(tag)) {
                case NodeProto.INPUT_FIELD_NUMBER -> input = input == null ? reader.readText(tag) : skipped(tag, input);
                case NodeProto.OUTPUT_FIELD_NUMBER -> output = output == null ? reader.readText(tag) : skipped(tag, output);
                case NodeProto.OP_TYPE_FIELD_NUMBER -> opType = reader.readText(tag);
                case NodeProto.DOMAIN_FIELD_NUMBER -> domain = reader.readText(tag);
                case NodeProto.ATTRIBUTE_FIELD_NUMBER -> {
                    int outer = reader.enter(tag);
                    attribute(longs, strings);
                    reader.leave(outer);
                }
                default -> reader.skip(tag); // other node fields are not needed
            }
        }
        if (!"ZipMap".equals(opType) || !"ai.onnx.ml".equals(domain) || input == null || output == null) {
            return;
        }
        if (!longs.isEmpty()) {
            found.add(new ZipMapNode(output, input, longs.stream().mapToLong(Long::longValue).toArray(), null));
        } else if (!strings.isEmpty()) {
            found.add(new ZipMapNode(output, input, null, strings.toArray(String[]::new)));
        }
    }

    private String skipped(int tag, String kept) throws IOException {
        reader.skip(tag);
        return kept;
    }

    private void attribute(List<Long> longs, List<String> strings) throws IOException {
        String name = null;
        List<Long> ints = new ArrayList<>();
        List<String> strs = new ArrayList<>();
        for (int tag = reader.nextTag(); tag != 0; tag = reader.nextTag()) {
            switch (ProtoReader.field(tag)) {
                case AttributeProto.NAME_FIELD_NUMBER -> name = reader.readText(tag);
                case AttributeProto.INTS_FIELD_NUMBER -> reader.readInt64s(tag, ints::add);
                case AttributeProto.STRINGS_FIELD_NUMBER -> strs.add(reader.readText(tag));
                default -> reader.skip(tag); // a Constant's tensor, a subgraph: skipped, not read
            }
        }
        if ("classlabels_int64s".equals(name)) {
            longs.addAll(ints);
        } else if ("classlabels_strings".equals(name)) {
            strings.addAll(strs);
        }
    }
}
