package io.rtml.scoring.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.testing.ReferenceModels;
import io.rtml.testing.ReferenceModels.ReferenceModel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The load-time rewrite that serves ZipMap outputs from their probability tensor. */
class ZipMapRewriteTest {

    @TempDir
    Path sessions;

    static ReferenceModel model(String name) {
        return ReferenceModels.named(name);
    }

    @Test
    void findsIntegerAndStringLabelledZipMaps() {
        ZipMapRewrite.Result iris = ZipMapRewrite.scan(model("sklearn_rf_iris_zipmap").file());
        assertThat(iris.zipMaps()).hasSize(1);
        ZipMapRewrite.ZipMapNode z = iris.zipMaps().get(0);
        assertThat(z.output()).isEqualTo("output_probability");
        assertThat(z.longLabels()).containsExactly(0, 1, 2);
        assertThat(iris.addedOutputs()).containsExactly(z.input());

        ZipMapRewrite.ZipMapNode snacks = ZipMapRewrite.scan(model("squeezenet_snacks_zipmap").file()).zipMaps().get(0);
        assertThat(snacks.output()).isEqualTo("loss");
        assertThat(snacks.stringLabels()).hasSize(10);
        assertThat(snacks.keyType()).isEqualTo(Datatype.BYTES);
    }

    @Test
    void leavesModelsWithoutZipMapAndNonProtobufBytesAlone() {
        assertThat(ZipMapRewrite.scan(model("xgboost_regressor").file())).isSameAs(ZipMapRewrite.Result.NONE);
        ZipMapRewrite.Result r = ZipMapRewrite.scan(model("broken_not_onnx").file());
        assertThat(r.suffix()).isEmpty();
        assertThat(r.zipMaps()).isEqualTo(List.of());
    }

    @Test
    void loadedVersionServesZipMapFromTheTensorAndHidesTheExtraOutput() throws Exception {
        ReferenceModel titanic = model("sklearn_titanic_pipeline");
        LoadedVersion v = new ModelLoader(1, sessions).load("t", 1, null, titanic.sha256(), titanic.bytes(), titanic.file(), List.of());
        try {
            assertThat(v.signature().outputs()).extracting(TensorSpec::name)
                    .containsExactly("output_label", "output_probability");
            assertThat(v.zipMap("output_probability")).isNotNull();
        } finally {
            v.retire();
        }
    }
}
