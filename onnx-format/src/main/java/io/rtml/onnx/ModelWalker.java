package io.rtml.onnx;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a ModelProto from a file in one streaming pass and returns its signature, refusing files that
 * are not ONNX, refer to external data or exceed the limits. Besides the main graph it walks the
 * model's local functions and training graphs, as ONNX Runtime may read tensors from them too.
 */
public final class ModelWalker {

    private static final int IR_VERSION = 1;
    private static final int PRODUCER_NAME = 2;
    private static final int PRODUCER_VERSION = 3;
    private static final int DOMAIN = 4;
    private static final int MODEL_VERSION = 5;
    private static final int DOC_STRING = 6;
    private static final int GRAPH = 7;
    private static final int OPSET_IMPORT = 8;
    private static final int METADATA_PROPS = 14;
    private static final int TRAINING_INFO = 20;
    private static final int FUNCTIONS = 25;
    // OperatorSetIdProto and StringStringEntryProto: 1 and 2; TrainingInfoProto: initialization 1, algorithm 2.
    private static final int FIRST = 1;
    private static final int SECOND = 2;
    private static final int FUNCTION_NODE = 7;
    private static final int FUNCTION_ATTRIBUTE_PROTO = 11;

    private final ProtoReader reader;
    private final WalkBudget budget;
    private final GraphWalker graphs;

    private ModelWalker(ProtoReader reader, WalkBudget budget) {
        this.reader = reader;
        this.budget = budget;
        this.graphs = new GraphWalker(reader, budget);
    }

    /**
     * Inspects the file; never opens any other file, never holds a tensor's data in memory.
     *
     * @throws OnnxRefusal when the file is not a self-contained ONNX model within the limits
     * @throws UncheckedIOException when the file cannot be read
     */
    public static ModelSignature walk(Path file, InspectionLimits limits) {
        try {
            long size = Files.size(file);
            if (size == 0) {
                throw OnnxRefusal.empty();
            }
            if (size > Integer.MAX_VALUE) {
                // Protobuf cannot encode a message over 2 GiB: such models always use external data.
                throw OnnxRefusal.tooComplex("the file is " + size + " bytes, and one ONNX protobuf cannot exceed 2 GiB "
                        + "(larger models keep their weights in external files, which are not accepted)");
            }
            try (InputStream stream = Files.newInputStream(file)) {
                ProtoReader reader = new ProtoReader(stream);
                try {
                    return new ModelWalker(reader, new WalkBudget(limits)).model();
                } catch (InvalidProtocolBufferException e) {
                    throw OnnxRefusal.malformed(e.getMessage(), reader.position(), size);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private ModelSignature model() throws IOException {
        long irVersion = 0;
        long modelVersion = 0;
        String producerName = "";
        String producerVersion = "";
        String domain = "";
        String docString = "";
        GraphWalker.MainGraph main = null;
        List<OpsetImport> opsets = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (int tag = reader.nextTag(); tag != 0; tag = reader.nextTag()) {
            switch (ProtoReader.field(tag)) {
                case IR_VERSION -> irVersion = reader.readInt64(tag);
                case PRODUCER_NAME -> producerName = reader.readText(tag);
                case PRODUCER_VERSION -> producerVersion = reader.readText(tag);
                case DOMAIN -> domain = reader.readText(tag);
                case MODEL_VERSION -> modelVersion = reader.readInt64(tag);
                case DOC_STRING -> docString = reader.readText(tag);
                case GRAPH -> {
                    // A repeated message field merges in protobuf; so do the graph's lists here.
                    main = main == null ? new GraphWalker.MainGraph() : main;
                    int outer = reader.enter(tag);
                    graphs.graph(1, main);
                    reader.leave(outer);
                }
                case OPSET_IMPORT -> opsets.add(opset(tag));
                case METADATA_PROPS -> metadata(tag, metadata);
                case TRAINING_INFO -> trainingInfo(tag);
                case FUNCTIONS -> function(tag);
                default -> reader.skip(tag);
            }
        }
        return signature(irVersion, producerName, producerVersion, domain, modelVersion, docString, main, opsets, metadata);
    }

    private static ModelSignature signature(long irVersion, String producerName, String producerVersion, String domain,
            long modelVersion, String docString, GraphWalker.MainGraph main, List<OpsetImport> opsets,
            Map<String, String> metadata) {
        if (irVersion <= 0) {
            throw OnnxRefusal.notOnnx("it has no IR version (field ir_version of ModelProto)");
        }
        if (main == null) {
            throw OnnxRefusal.notOnnx("it contains no graph (IR version " + irVersion + ")");
        }
        if (main.outputs.isEmpty()) {
            throw OnnxRefusal.notOnnx("its graph '" + main.name + "' declares no outputs");
        }
        List<ValueSpec> inputs = main.inputs.stream().filter(input -> !main.initializers.contains(input.name())).toList();
        return new ModelSignature(irVersion, producerName, producerVersion, main.name, domain, modelVersion, docString,
                opsets, inputs, main.outputs, metadata);
    }

    private OpsetImport opset(int tag) throws IOException {
        int outer = reader.enter(tag);
        String domain = "";
        long version = 0;
        for (int field = reader.nextTag(); field != 0; field = reader.nextTag()) {
            switch (ProtoReader.field(field)) {
                case FIRST -> domain = reader.readName(field, "opset domain");
                case SECOND -> version = reader.readInt64(field);
                default -> reader.skip(field);
            }
        }
        reader.leave(outer);
        budget.keep(domain);
        return new OpsetImport(domain.isEmpty() ? "ai.onnx" : domain, version);
    }

    private void metadata(int tag, Map<String, String> metadata) throws IOException {
        int outer = reader.enter(tag);
        String key = "";
        String value = "";
        for (int field = reader.nextTag(); field != 0; field = reader.nextTag()) {
            switch (ProtoReader.field(field)) {
                case FIRST -> key = reader.readText(field);
                case SECOND -> value = reader.readText(field);
                default -> reader.skip(field);
            }
        }
        reader.leave(outer);
        budget.keep(key + value);
        metadata.put(key, value);
    }

    private void trainingInfo(int tag) throws IOException {
        int outer = reader.enter(tag);
        for (int field = reader.nextTag(); field != 0; field = reader.nextTag()) {
            int number = ProtoReader.field(field);
            if (number == FIRST || number == SECOND) {
                int graph = reader.enter(field);
                graphs.graph(1, null);
                reader.leave(graph);
            } else {
                reader.skip(field);
            }
        }
        reader.leave(outer);
    }

    private void function(int tag) throws IOException {
        int outer = reader.enter(tag);
        for (int field = reader.nextTag(); field != 0; field = reader.nextTag()) {
            int number = ProtoReader.field(field);
            if (number == FUNCTION_NODE || number == FUNCTION_ATTRIBUTE_PROTO) {
                int inner = reader.enter(field);
                if (number == FUNCTION_NODE) {
                    graphs.node(1);
                } else {
                    graphs.attribute(1, "a model-local function");
                }
                reader.leave(inner);
            } else {
                reader.skip(field);
            }
        }
        reader.leave(outer);
    }
}
