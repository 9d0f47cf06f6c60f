package io.rtml.registry.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** ONNX Runtime's messages reach the user without the server's error-code prefix or temporary paths. */
class RuntimeLoadCheckTest {

    private final Path upload = Path.of("/tmp/rtml-upload-123/model.onnx");

    @Test
    void keepsOnlyTheReason() {
        String message = "Error code - ORT_FAIL - message: Load model from /tmp/rtml-upload-123/model.onnx "
                + "failed:Fatal error: ai.onnx.contrib:StringLower(-1) is not a registered function/op";

        assertThat(RuntimeLoadCheck.reason(message, upload))
                .isEqualTo("Fatal error: ai.onnx.contrib:StringLower(-1) is not a registered function/op");
    }

    @Test
    void hidesThePathWhereverItAppears() {
        String message = "Error code - ORT_INVALID_GRAPH - message: Node (n) refers to /tmp/rtml-upload-123/model.onnx";

        assertThat(RuntimeLoadCheck.reason(message, upload)).isEqualTo("Node (n) refers to <model>");
    }
}
