package io.rtml.onnx;

import com.google.protobuf.InvalidProtocolBufferException;
import io.rtml.onnx.proto.FunctionProto;
import io.rtml.onnx.proto.ModelProto;
import io.rtml.onnx.proto.OperatorSetIdProto;
import io.rtml.onnx.proto.StringStringEntryProto;
import io.rtml.onnx.proto.TrainingInfoProto;
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
                case ModelProto.IR_VERSION_FIELD_NUMBER -> irVersion = reader.readInt64(tag);
                case ModelProto.PRODUCER_NAME_FIELD_NUMBER -> producerName = reader.readText(tag);
                case ModelProto.PRODUCER_VERSION_FIELD_NUMBER -> producerVersion = reader.readText(tag);
                case ModelProto.DOMAIN_FIELD_NUMBER -> domain = reader.readText(tag);
                case ModelProto.MODEL_VERSION_FIELD_NUMBER -> modelVersion = reader.readInt64(tag);
                case ModelProto.DOC_STRING_FIELD_NUMBER -> docString = reader.readText(tag);
                case ModelProto.GRAPH_FIELD_NUMBER -> {
                    // A repeated message field merges in protobuf; so do the graph's lists here.
                    main = main == null ? new GraphWalker.MainGraph() : main;
                    int outer = reader.enter(tag);
                    graphs.graph(1, main);
                    reader.leave(outer);
                }
                case ModelProto.OPSET_IMPORT_FIELD_NUMBER -> opsets.add(opset(tag));
                case ModelProto.METADATA_PROPS_FIELD_NUMBER -> metadata(tag, metadata);
                case ModelProto.TRAINING_INFO_FIELD_NUMBER -> trainingInfo(tag);
                case ModelProto.FUNCTIONS_FIELD_NUMBER -> function(tag);
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
                case OperatorSetIdProto.DOMAIN_FIELD_NUMBER -> domain = reader.readName(field, "opset domain");
                case OperatorSetIdProto.VERSION_FIELD_NUMBER -> version = reader.readInt64(field);
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
                case StringStringEntryProto.KEY_FIELD_NUMBER -> key = reader.readText(field);
                case StringStringEntryProto.VALUE_FIELD_NUMBER -> value = reader.readText(field);
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
            if (number == TrainingInfoProto.INITIALIZATION_FIELD_NUMBER
                    || number == TrainingInfoProto.ALGORITHM_FIELD_NUMBER) {
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
            if (number == FunctionProto.NODE_FIELD_NUMBER || number == FunctionProto.ATTRIBUTE_PROTO_FIELD_NUMBER) {
                int inner = reader.enter(field);
                if (number == FunctionProto.NODE_FIELD_NUMBER) {
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
