package io.rtml.scoring.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.testing.ReferenceModels;
import io.rtml.testing.ReferenceModels.ReferenceModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The load-time rewrite that serves ZipMap outputs from their probability tensor. */
class ZipMapRewriteTest {

    static ReferenceModel model(String name) {
        return ReferenceModels.named(name);
    }

    @Test
    void findsIntegerAndStringLabelledZipMaps() {
        ZipMapRewrite.Result iris = ZipMapRewrite.rewrite(model("sklearn_rf_iris_zipmap").readBytes());
        assertThat(iris.zipMaps()).hasSize(1);
        ZipMapRewrite.ZipMapNode z = iris.zipMaps().get(0);
        assertThat(z.output()).isEqualTo("output_probability");
        assertThat(z.longLabels()).containsExactly(0, 1, 2);
        assertThat(iris.addedOutputs()).containsExactly(z.input());

        ZipMapRewrite.ZipMapNode snacks = ZipMapRewrite.rewrite(model("squeezenet_snacks_zipmap").readBytes()).zipMaps().get(0);
        assertThat(snacks.output()).isEqualTo("loss");
        assertThat(snacks.stringLabels()).hasSize(10);
        assertThat(snacks.keyType()).isEqualTo(Datatype.BYTES);
    }

    @Test
    void leavesModelsWithoutZipMapAndNonProtobufBytesAlone() {
        byte[] xgb = model("xgboost_regressor").readBytes();
        assertThat(ZipMapRewrite.rewrite(xgb).model()).isSameAs(xgb);
        byte[] junk = model("broken_not_onnx").readBytes();
        ZipMapRewrite.Result r = ZipMapRewrite.rewrite(junk);
        assertThat(r.model()).isSameAs(junk);
        assertThat(r.zipMaps()).isEqualTo(List.of());
    }

    @Test
    void loadedVersionServesZipMapFromTheTensorAndHidesTheExtraOutput() throws Exception {
        ReferenceModel titanic = model("sklearn_titanic_pipeline");
        LoadedVersion v = new ModelLoader(1).load("t", 1, null, titanic.sha256(), titanic.bytes(), titanic.file(), List.of());
        try {
            assertThat(v.signature().outputs()).extracting(TensorSpec::name)
                    .containsExactly("output_label", "output_probability");
            assertThat(v.zipMap("output_probability")).isNotNull();
        } finally {
            v.retire();
        }
    }
}
