package io.rtml.registry.gallery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.rtml.onnx.ModelSignature;
import io.rtml.onnx.ValueSpec;
import io.rtml.registry.gallery.SignatureComparison.Difference;
import io.rtml.registry.gallery.SignatureComparison.Kind;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SignatureComparisonTest {

    @Test
    void symbolicOrUnknownDimensionsAgreeWithAnythingAndFixedOnesMustMatch() {
        assertThat(SignatureComparison.fixedDimensionsAgree(dims("batch", 3L), dims(1L, 3L))).isTrue();
        assertThat(SignatureComparison.fixedDimensionsAgree(dims(null, 3L), dims("N", 3L))).isTrue();
        assertThat(SignatureComparison.fixedDimensionsAgree(dims(8L, 3L), dims(null, 3L))).isTrue();
        assertThat(SignatureComparison.fixedDimensionsAgree(null, dims(1L, 3L))).isTrue();
        assertThat(SignatureComparison.fixedDimensionsAgree(dims("N", 3L), dims("N", 4L))).isFalse();
        assertThat(SignatureComparison.fixedDimensionsAgree(dims("N", 3L), dims("N", 3L, 1L))).as("rank").isFalse();
    }

    @Test
    void onlyANewOutputLeavesCallersWorking() {
        ModelSignature running = signature(List.of(tensor("x", "N", 3L)), List.of(tensor("y", "N", 2L)));
        ModelSignature next = signature(List.of(tensor("x", 1L, 3L)), List.of(tensor("y", null, 2L), tensor("p", "N")));

        List<Difference> differences = SignatureComparison.differences(running, next);

        assertThat(differences).extracting(Difference::kind, Difference::value, Difference::message)
                .containsExactly(tuple(Kind.NEW_OUTPUT, "p", "new output 'p' (tensor(float) FP32)"));
        assertThat(differences).noneMatch(Difference::breaksCallers);
    }

    @Test
    void aTypeChangeIsReportedAloneEvenWhenTheShapeChangesToo() {
        ModelSignature running = signature(List.of(tensor("x", "N", 3L)), List.of());
        ModelSignature next = signature(List.of(new ValueSpec("x", "tensor(int64)", "INT64", dims("N", 4L))), List.of());

        assertThat(SignatureComparison.differences(running, next)).extracting(Difference::message)
                .containsExactly("input 'x' changes type from tensor(float) FP32 to tensor(int64) INT64");
    }

    private static ValueSpec tensor(String name, Object... dims) {
        return new ValueSpec(name, "tensor(float)", "FP32", dims(dims));
    }

    private static List<Object> dims(Object... dims) {
        return Arrays.asList(dims);
    }

    private static ModelSignature signature(List<ValueSpec> inputs, List<ValueSpec> outputs) {
        return new ModelSignature(8, "test", "1", "g", "", 1, "", List.of(), inputs, outputs, Map.of());
    }
}
