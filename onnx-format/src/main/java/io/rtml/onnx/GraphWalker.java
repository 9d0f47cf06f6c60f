package io.rtml.onnx;

import io.rtml.onnx.proto.AttributeProto;
import io.rtml.onnx.proto.GraphProto;
import io.rtml.onnx.proto.NodeProto;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Walks GraphProto, NodeProto and AttributeProto at any depth: every stored tensor is checked, every
 * node counted, every subgraph entered with its depth checked first, so that neither a deep nesting
 * nor a huge graph gets further than the limits. Only the main graph's signature is kept.
 */
final class GraphWalker {

    /** Fields entered in every graph: the nodes (for their subgraphs and tensors) and the stored tensors. */
    private static final Set<Integer> WALKED = Set.of(GraphProto.NODE_FIELD_NUMBER, GraphProto.INITIALIZER_FIELD_NUMBER,
            GraphProto.SPARSE_INITIALIZER_FIELD_NUMBER);
    /** Fields entered in the main graph only: its signature. */
    private static final Set<Integer> SIGNATURE = Set.of(GraphProto.INPUT_FIELD_NUMBER, GraphProto.OUTPUT_FIELD_NUMBER);

    /** What the main graph contributes to the signature. */
    static final class MainGraph {
        String name = "";
        final List<ValueSpec> inputs = new ArrayList<>();
        final List<ValueSpec> outputs = new ArrayList<>();
        final Set<String> initializers = new HashSet<>();
    }

    private final ProtoReader reader;
    private final WalkBudget budget;
    private final TensorCheck tensors;
    private final TypeReader types;

    GraphWalker(ProtoReader reader, WalkBudget budget) {
        this.reader = reader;
        this.budget = budget;
        this.tensors = new TensorCheck(reader, budget);
        this.types = new TypeReader(reader, budget);
    }

    /** Walks the GraphProto the reader is inside; {@code main} collects the signature, null for a subgraph. */
    void graph(int depth, MainGraph main) throws IOException {
        budget.graphAt(depth);
        String initializer = main == null ? "subgraph initializer" : "initializer";
        for (int tag = reader.nextTag(); tag != 0; tag = reader.nextTag()) {
            int field = ProtoReader.field(tag);
            if (field == GraphProto.NAME_FIELD_NUMBER && main != null) {
                main.name = reader.readName(tag, "graph name");
            } else if (WALKED.contains(field) || (main != null && SIGNATURE.contains(field))) {
                int outer = reader.enter(tag);
                switch (field) {
                    case GraphProto.NODE_FIELD_NUMBER -> node(depth);
                    case GraphProto.INITIALIZER_FIELD_NUMBER -> keepInitializer(main, tensors.tensor(initializer));
                    case GraphProto.SPARSE_INITIALIZER_FIELD_NUMBER ->
                            keepInitializer(main, tensors.sparseTensor("sparse " + initializer));
                    case GraphProto.INPUT_FIELD_NUMBER -> main.inputs.add(types.valueInfo());
                    default -> main.outputs.add(types.valueInfo());
                }
                reader.leave(outer);
            } else {
                // Value infos of subgraphs, doc strings, quantization annotations: not part of the signature.
                reader.skip(tag);
            }
        }
    }

    /** Walks the NodeProto the reader is inside, a node of a graph (or function) at {@code depth}. */
    void node(int depth) throws IOException {
        budget.node();
        String name = "";
        String opType = "";
        for (int tag = reader.nextTag(); tag != 0; tag = reader.nextTag()) {
            switch (ProtoReader.field(tag)) {
                case NodeProto.NAME_FIELD_NUMBER -> name = reader.readText(tag);
                case NodeProto.OP_TYPE_FIELD_NUMBER -> opType = reader.readText(tag);
                case NodeProto.ATTRIBUTE_FIELD_NUMBER -> {
                    int outer = reader.enter(tag);
                    attribute(depth, name.isEmpty() ? "a " + opType + " node" : "node '" + name + "' (" + opType + ")");
                    reader.leave(outer);
                }
                default -> reader.skip(tag);
            }
        }
    }

    /** Walks the AttributeProto the reader is inside; {@code owner} names its node for messages. */
    void attribute(int depth, String owner) throws IOException {
        String name = "";
        for (int tag = reader.nextTag(); tag != 0; tag = reader.nextTag()) {
            int field = ProtoReader.field(tag);
            switch (field) {
                case AttributeProto.NAME_FIELD_NUMBER -> name = reader.readText(tag);
                case AttributeProto.T_FIELD_NUMBER, AttributeProto.TENSORS_FIELD_NUMBER,
                        AttributeProto.SPARSE_TENSOR_FIELD_NUMBER, AttributeProto.SPARSE_TENSORS_FIELD_NUMBER,
                        AttributeProto.G_FIELD_NUMBER, AttributeProto.GRAPHS_FIELD_NUMBER -> {
                    int outer = reader.enter(tag);
                    String kind = "the tensor in attribute '" + name + "' of " + owner;
                    if (field == AttributeProto.G_FIELD_NUMBER || field == AttributeProto.GRAPHS_FIELD_NUMBER) {
                        graph(depth + 1, null);
                    } else if (field == AttributeProto.T_FIELD_NUMBER || field == AttributeProto.TENSORS_FIELD_NUMBER) {
                        tensors.tensor(kind);
                    } else {
                        tensors.sparseTensor(kind);
                    }
                    reader.leave(outer);
                }
                default -> reader.skip(tag);
            }
        }
    }

    private void keepInitializer(MainGraph main, String name) {
        // Old exporters (IR < 4) list every initializer as an input too; those are not inputs a caller feeds.
        if (main != null && main.initializers.add(name)) {
            budget.keep(name);
        }
    }
}
