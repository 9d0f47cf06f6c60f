package io.rtml.onnx;

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

    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_NAME = 2;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_INPUT = 11;
    private static final int GRAPH_OUTPUT = 12;
    private static final int GRAPH_SPARSE_INITIALIZER = 15;
    private static final int NODE_NAME = 3;
    private static final int NODE_OP_TYPE = 4;
    private static final int NODE_ATTRIBUTE = 5;
    private static final int ATTRIBUTE_NAME = 1;
    private static final int ATTRIBUTE_TENSOR = 5;
    private static final int ATTRIBUTE_GRAPH = 6;
    private static final int ATTRIBUTE_TENSORS = 10;
    private static final int ATTRIBUTE_GRAPHS = 11;
    private static final int ATTRIBUTE_SPARSE_TENSOR = 22;
    private static final int ATTRIBUTE_SPARSE_TENSORS = 23;

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
            if (field == GRAPH_NAME && main != null) {
                main.name = reader.readName(tag, "graph name");
            } else if (field == GRAPH_NODE || field == GRAPH_INITIALIZER || field == GRAPH_SPARSE_INITIALIZER
                    || (main != null && (field == GRAPH_INPUT || field == GRAPH_OUTPUT))) {
                int outer = reader.enter(tag);
                switch (field) {
                    case GRAPH_NODE -> node(depth);
                    case GRAPH_INITIALIZER -> keepInitializer(main, tensors.tensor(initializer));
                    case GRAPH_SPARSE_INITIALIZER -> keepInitializer(main, tensors.sparseTensor("sparse " + initializer));
                    case GRAPH_INPUT -> main.inputs.add(types.valueInfo());
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
                case NODE_NAME -> name = reader.readText(tag);
                case NODE_OP_TYPE -> opType = reader.readText(tag);
                case NODE_ATTRIBUTE -> {
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
                case ATTRIBUTE_NAME -> name = reader.readText(tag);
                case ATTRIBUTE_TENSOR, ATTRIBUTE_TENSORS, ATTRIBUTE_SPARSE_TENSOR, ATTRIBUTE_SPARSE_TENSORS,
                        ATTRIBUTE_GRAPH, ATTRIBUTE_GRAPHS -> {
                    int outer = reader.enter(tag);
                    String kind = "the tensor in attribute '" + name + "' of " + owner;
                    if (field == ATTRIBUTE_GRAPH || field == ATTRIBUTE_GRAPHS) {
                        graph(depth + 1, null);
                    } else if (field == ATTRIBUTE_TENSOR || field == ATTRIBUTE_TENSORS) {
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
