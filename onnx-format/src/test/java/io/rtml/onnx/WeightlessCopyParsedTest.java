package io.rtml.onnx;

import static io.rtml.onnx.TestModels.identityGraph;
import static io.rtml.onnx.TestModels.model;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.rtml.onnx.proto.ModelProto;
import io.rtml.onnx.proto.StringStringEntryProto;
import io.rtml.onnx.proto.TensorProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The weightless copy, parsed whole by the generated parser, is the original with one initializer moved out. */
class WeightlessCopyParsedTest {

    @TempDir
    Path dir;

    @Test
    void theCopyIsTheOriginalWithTheInitializerPointingAtItsOwnBytes() throws IOException {
        byte[] raw = new byte[4096];
        Arrays.fill(raw, (byte) 0x3f);
        TensorProto weights = TensorProto.newBuilder().addDims(1024).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setName("W").setRawData(ByteString.copyFrom(raw)).build();
        ModelProto original = model(identityGraph().addInitializer(weights).setDocString("after the initializer"));
        Path file = Files.write(dir.resolve("m.onnx"), original.toByteArray());

        Path copy = WeightlessCopy.write(file, raw.length);

        ModelProto parsed = ModelProto.parseFrom(Files.readAllBytes(copy));
        TensorProto moved = parsed.getGraph().getInitializer(0);
        assertThat(moved.hasRawData()).isFalse();
        assertThat(moved.getDataLocation()).isEqualTo(TensorProto.DataLocation.EXTERNAL);
        Map<String, String> external = new LinkedHashMap<>();
        for (StringStringEntryProto entry : moved.getExternalDataList()) {
            external.put(entry.getKey(), entry.getValue());
        }
        assertThat(external).containsOnlyKeys("location", "offset", "length").containsEntry("location", "m.onnx")
                .containsEntry("length", "4096");
        int offset = Integer.parseInt(external.get("offset"));
        assertThat(Arrays.copyOfRange(Files.readAllBytes(file), offset, offset + raw.length)).isEqualTo(raw);
        ModelProto restored = parsed.toBuilder().setGraph(parsed.getGraph().toBuilder().setInitializer(0, weights)).build();
        assertThat(restored).isEqualTo(original);
    }
}
