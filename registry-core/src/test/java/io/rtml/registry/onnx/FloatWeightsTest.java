package io.rtml.registry.onnx;

import static io.rtml.testing.ProtoBuilder.floatTensor;
import static io.rtml.testing.ProtoBuilder.message;
import static io.rtml.testing.ProtoBuilder.model;
import static io.rtml.testing.ProtoBuilder.node;
import static io.rtml.testing.ProtoBuilder.tensorValue;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.onnx.InspectionLimits;
import io.rtml.onnx.WeightlessCopy;
import io.rtml.onnx.proto.GraphProto;
import io.rtml.onnx.proto.ModelProto;
import io.rtml.onnx.proto.TensorProto;
import io.rtml.problem.RtmlException;
import io.rtml.testing.ProtoBuilder;
import io.rtml.testing.ReferenceModels;
import io.rtml.testing.ReferenceModels.ReferenceModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A spool file without the bytes {@link FloatWeights} leaves out is the same model to the inspection. */
class FloatWeightsTest {

    private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;

    private static final OnnxInspector INSPECTOR = new OnnxInspector(InspectionLimits.defaults());
    private static final int FLOATS = 1 << 20; // 4 MiB of raw_data, over the default minimum

    @TempDir
    Path dir;

    static Stream<Arguments> catalogue() {
        return ReferenceModels.shared().stream().map(model -> Arguments.of(model.name(), model));
    }

    /** Real models, refused ones included, with every float initializer of 64 bytes or more left out. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("catalogue")
    void catalogueModelsInspectTheSameWithoutTheirFloatWeights(String name, ReferenceModel reference) throws IOException {
        byte[] original = Files.readAllBytes(reference.file());

        Spooled spooled = spool(original, 64, 4093);

        assertKeptBytesAreTheOriginals(original, spooled);
        assertThat(outcome(write(spooled.bytes()))).isEqualTo(outcome(write(original)));
    }

    @Test
    void leavesOutTheRawDataOfLargeFloatInitializersOnly() throws IOException {
        byte[] floats = pattern(FLOATS * 4);
        byte[] model = identityOf(
                floatTensor("W", FLOATS).bytes(TensorProto.RAW_DATA_FIELD_NUMBER, floats),
                message()
                        .packed(TensorProto.DIMS_FIELD_NUMBER, FLOATS / 2)
                        .varint(TensorProto.DATA_TYPE_FIELD_NUMBER, TensorProto.DataType.INT64_VALUE)
                        .string(TensorProto.NAME_FIELD_NUMBER, "I")
                        .bytes(TensorProto.RAW_DATA_FIELD_NUMBER, pattern(FLOATS * 4)), // int64: kept
                floatTensor("S", 1000).bytes(TensorProto.RAW_DATA_FIELD_NUMBER, pattern(4000)), // small: kept
                message()
                        .string(TensorProto.NAME_FIELD_NUMBER, "R")
                        .bytes(TensorProto.RAW_DATA_FIELD_NUMBER, pattern(FLOATS * 4))
                        .packed(TensorProto.DIMS_FIELD_NUMBER, FLOATS)
                        .varint(TensorProto.DATA_TYPE_FIELD_NUMBER, TensorProto.DataType.FLOAT_VALUE)); // type after the data: kept

        Spooled spooled = spool(model, WeightlessCopy.MIN_BYTES, model.length);

        assertThat(spooled.leftOut().cardinality()).isEqualTo(floats.length);
        int start = indexOf(model, floats);
        assertThat(spooled.leftOut().nextSetBit(0)).isEqualTo(start);
        assertThat(spooled.leftOut().nextClearBit(start)).isEqualTo(start + floats.length);
        assertKeptBytesAreTheOriginals(model, spooled);
        assertThat(outcome(write(spooled.bytes()))).isEqualTo(outcome(write(model)));
    }

    @Test
    void aDataTypeThatTurnsIntegerAfterTheBytesWereLeftOutIsAContradiction() {
        // Protobuf lets the last data_type win: these bytes were int64 after all.
        byte[] model = identityOf(floatTensor("W", 1000)
                .bytes(TensorProto.RAW_DATA_FIELD_NUMBER, pattern(4000))
                .varint(TensorProto.DATA_TYPE_FIELD_NUMBER, TensorProto.DataType.INT64_VALUE));
        FloatWeights weights = new FloatWeights(100);
        weights.scan(model, model.length, new FloatWeights.Runs() {
            @Override
            public void keep(int offset, int length) {}

            @Override
            public void leaveOut(int offset, int length) {}
        });

        assertThat(weights.leftOut()).isEqualTo(4000);
        assertThat(weights.contradiction()).contains("data type again after its raw data, as int64");
        assertThat(spool(identityOf(floatTensor("W", 1000)
                .bytes(TensorProto.RAW_DATA_FIELD_NUMBER, pattern(4000))
                .varint(TensorProto.DATA_TYPE_FIELD_NUMBER, TensorProto.DataType.FLOAT16_VALUE)), 100, 7).leftOut()
                .cardinality()).as("float16 is still a float: no contradiction").isEqualTo(4000);
    }

    @Test
    void whatIsLeftOutDoesNotDependOnHowTheStreamIsCut() {
        byte[] model = identityOf(floatTensor("A", 300).bytes(TensorProto.RAW_DATA_FIELD_NUMBER, pattern(1200)),
                floatTensor("B", 500).bytes(TensorProto.RAW_DATA_FIELD_NUMBER, pattern(2000)));
        BitSet whole = spool(model, 100, model.length).leftOut();
        assertThat(whole.cardinality()).isEqualTo(3200);

        for (int chunk : new int[] {1, 2, 3, 7, 64, 1000}) {
            assertThat(spool(model, 100, chunk).leftOut()).as("chunks of %d bytes", chunk).isEqualTo(whole);
        }
    }

    @Test
    void bytesThatAreNotAModelAreKeptWhole() {
        byte[] text = "this is not an ONNX model, just some text that someone uploaded by mistake".getBytes(StandardCharsets.UTF_8);
        byte[] random = new byte[1 << 16];
        new Random(7).nextBytes(random);
        // A length that runs past the graph it is in: malformed from there on.
        byte[] overrun = message()
                .message(ModelProto.GRAPH_FIELD_NUMBER, message().bytes(GraphProto.INITIALIZER_FIELD_NUMBER, new byte[10]))
                .toByteArray();
        overrun[3] = 120;

        for (byte[] bytes : new byte[][] {text, random, overrun, new byte[0]}) {
            Spooled spooled = spool(bytes, WeightlessCopy.MIN_BYTES, 5);
            assertThat(spooled.leftOut().isEmpty()).isTrue();
            assertThat(spooled.bytes()).isEqualTo(bytes);
        }
    }

    @Test
    void aModelCutOffInsideItsWeightsLeavesOutOnlyWhatArrived() {
        byte[] model = identityOf(floatTensor("W", FLOATS).bytes(TensorProto.RAW_DATA_FIELD_NUMBER, pattern(FLOATS * 4)));
        byte[] cut = Arrays.copyOf(model, model.length / 2);

        Spooled spooled = spool(cut, WeightlessCopy.MIN_BYTES, 65536);

        assertThat(spooled.leftOut().length()).isLessThanOrEqualTo(cut.length);
        assertKeptBytesAreTheOriginals(cut, spooled);
    }

    /** The file a spool would hold (zeros where bytes were left out) and which bytes those were. */
    private record Spooled(byte[] bytes, BitSet leftOut) {}

    private static Spooled spool(byte[] stream, int minBytes, int chunkSize) {
        FloatWeights weights = new FloatWeights(minBytes);
        byte[] file = new byte[stream.length];
        BitSet leftOut = new BitSet();
        for (int base = 0; base < stream.length; base += chunkSize) {
            int length = Math.min(chunkSize, stream.length - base);
            byte[] chunk = Arrays.copyOfRange(stream, base, base + length);
            int chunkBase = base;
            int[] covered = {0};
            weights.scan(chunk, length, new FloatWeights.Runs() {
                @Override
                public void keep(int offset, int n) {
                    assertThat(offset).isEqualTo(covered[0]);
                    System.arraycopy(chunk, offset, file, chunkBase + offset, n);
                    covered[0] += n;
                }

                @Override
                public void leaveOut(int offset, int n) {
                    assertThat(offset).isEqualTo(covered[0]);
                    leftOut.set(chunkBase + offset, chunkBase + offset + n);
                    covered[0] += n;
                }
            });
            assertThat(covered[0]).as("every byte of the chunk kept or left out, in order").isEqualTo(length);
        }
        assertThat(weights.leftOut()).isEqualTo(leftOut.cardinality());
        return new Spooled(file, leftOut);
    }

    private static void assertKeptBytesAreTheOriginals(byte[] original, Spooled spooled) {
        for (int i = spooled.leftOut().nextClearBit(0); i < original.length; i = spooled.leftOut().nextClearBit(i + 1)) {
            if (spooled.bytes()[i] != original[i]) {
                throw new AssertionError("byte " + i + " was kept but differs");
            }
        }
    }

    /** The signature, or the refusal's message. */
    private static Object outcome(Path file) {
        try {
            return INSPECTOR.inspect(file);
        } catch (RtmlException e) {
            return e.code() + ": " + e.getMessage();
        }
    }

    private Path write(byte[] bytes) throws IOException {
        return Files.write(Files.createTempFile(dir, "model-", ".onnx"), bytes);
    }

    private static byte[] identityOf(ProtoBuilder... initializers) {
        ProtoBuilder graph = message()
                .message(GraphProto.NODE_FIELD_NUMBER, node("Identity", new String[] {"W"}, "Y"))
                .string(GraphProto.NAME_FIELD_NUMBER, "weights");
        for (ProtoBuilder initializer : initializers) {
            graph.message(GraphProto.INITIALIZER_FIELD_NUMBER, initializer);
        }
        return model(graph.message(GraphProto.OUTPUT_FIELD_NUMBER, tensorValue("Y", FLOAT, (long) FLOATS))).toByteArray();
    }

    private static byte[] pattern(int bytes) {
        byte[] pattern = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            pattern[i] = (byte) (i * 31 + 7);
        }
        return pattern;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < 64; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
