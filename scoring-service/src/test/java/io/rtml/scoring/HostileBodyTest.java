package io.rtml.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Small anonymous bodies built to make the node allocate: repeated keys, declared shapes far larger
 * than the data, more decoded bytes than the request's budget. Each is a quick 400, nothing leaks
 * (the suite runs with Netty's paranoid leak detector), and the node keeps answering.
 */
@OneNodeTest.NodeSettings({"rtml.scoring.max-body-bytes=65536", "rtml.scoring.max-tensor-bytes=32768"})
class HostileBodyTest extends OneNodeTest {

    static final String INPUT = "{\"name\":\"float_input\",\"datatype\":\"FP32\",\"shape\":[1,4],\"data\":[5.1,3.5,1.4,0.2]";
    static final String RECORD = "{\"sl\":5.1,\"sw\":3.5,\"pl\":1.4,\"pw\":0.2";

    @BeforeAll
    static void deployIris() {
        node.deploy(artifacts, "iris", 1, BadInputTest.model("sklearn_rf_iris_zipmap"), List.of("sl", "sw", "pl", "pw"));
    }

    @AfterEach
    void nodeStillPredictsCorrectly() {
        NodeClient.Response r = node.client.post("/v2/models/iris/infer", BadInputTest.OK);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(r.body().path("outputs").get(0).path("data").get(0).asInt()).isZero(); // setosa
        NodeClient.Response records = node.client.post("/v1/services/iris/predict", "{\"records\":[" + RECORD + "}]}");
        assertThat(records.status()).as(records.raw()).isEqualTo(200);
    }

    @Test
    void dataRepeatedTwoHundredTimesIsRefusedAtOnce() {
        String body = "{\"inputs\":[{\"name\":\"float_input\",\"datatype\":\"FP32\",\"shape\":[1048576,4]"
                + ",\"data\":[1]".repeat(200) + "}]}";
        long start = System.nanoTime();
        NodeClient.Response r = node.client.post("/v2/models/iris/infer", body);
        assertThat(r.status()).as(r.raw()).isEqualTo(400);
        assertThat(r.error()).isEqualTo("inputs[0] has the key 'data' twice");
        assertThat((System.nanoTime() - start) / 1_000_000).as("ms").isLessThan(2_000);
    }

    static List<String[]> repeatedKeys() {
        return List.of(
                new String[] {"/v2/models/iris/infer", "{\"inputs\":[" + INPUT + ",\"name\":\"float_input\"}]}",
                        "inputs[0] has the key 'name' twice"},
                new String[] {"/v2/models/iris/infer", "{\"inputs\":[" + INPUT + ",\"datatype\":\"FP32\"}]}",
                        "inputs[0] has the key 'datatype' twice"},
                new String[] {"/v2/models/iris/infer", "{\"inputs\":[" + INPUT + ",\"shape\":[1,4]}]}",
                        "inputs[0] has the key 'shape' twice"},
                new String[] {"/v2/models/iris/infer", "{\"inputs\":[" + INPUT + ",\"data\":[1,2,3,4]}]}",
                        "inputs[0] has the key 'data' twice"},
                new String[] {"/v2/models/iris/infer",
                        "{\"inputs\":[{\"data\":[1,2,3,4],\"data\":[1,2,3,4],\"name\":\"float_input\",\"datatype\":\"FP32\","
                                + "\"shape\":[1,4]}]}", "inputs[0] has the key 'data' twice"},
                new String[] {"/v2/models/iris/infer", "{\"inputs\":[" + INPUT + ",\"parameters\":{},\"parameters\":{}}]}",
                        "inputs[0] has the key 'parameters' twice"},
                new String[] {"/v2/models/iris/infer", "{\"inputs\":[" + INPUT + "}],\"inputs\":[" + INPUT + "}]}",
                        "the request has the key 'inputs' twice"},
                new String[] {"/v2/models/iris/infer", "{\"id\":\"a\",\"id\":\"b\",\"inputs\":[" + INPUT + "}]}",
                        "the request has the key 'id' twice"},
                new String[] {"/v2/models/iris/infer", "{\"parameters\":{},\"inputs\":[" + INPUT + "}],\"parameters\":{}}",
                        "the request has the key 'parameters' twice"},
                new String[] {"/v2/models/iris/infer", "{\"inputs\":[" + INPUT + "}],\"outputs\":[],\"outputs\":[]}",
                        "the request has the key 'outputs' twice"},
                new String[] {"/v2/models/iris/infer",
                        "{\"inputs\":[" + INPUT + "}],\"outputs\":[{\"name\":\"output_label\",\"name\":\"output_probability\"}]}",
                        "outputs[0] has the key 'name' twice"},
                new String[] {"/v1/services/iris/predict", "{\"records\":[" + RECORD + "}],\"records\":[" + RECORD + "}]}",
                        "the request body has the key 'records' twice"},
                new String[] {"/v1/services/iris/predict", "{\"records\":[" + RECORD + ",\"sl\":7}]}",
                        "record 0 has the field 'sl' twice"});
    }

    @ParameterizedTest
    @MethodSource("repeatedKeys")
    void aRepeatedKeyIs400(String path, String body, String message) {
        NodeClient.Response r = node.client.post(path, body);
        assertThat(r.status()).as(r.raw()).isEqualTo(400);
        assertThat(r.error()).isEqualTo(message);
    }

    @Test
    void fortyInputsDeclaringAMillionValuesEachAreRefusedWithoutAllocatingThem() {
        StringBuilder body = new StringBuilder("{\"inputs\":[");
        for (int i = 0; i < 40; i++) {
            body.append(i == 0 ? "" : ",").append("{\"name\":\"x").append(i)
                    .append("\",\"datatype\":\"FP64\",\"shape\":[1048576],\"data\":[1]}");
        }
        NodeClient.Response r = node.client.post("/v2/models/iris/infer", body.append("]}").toString());
        assertThat(r.status()).as(r.raw()).isEqualTo(400);
        // Each buffer is sized by what the 2.5 KB body can hold, and even that is charged to the budget.
        assertThat(r.error()).startsWith("the request's input tensors take more than the limit of 32768 bytes");
    }

    @Test
    void decodedTensorsOverTheBudgetAre400() {
        // 3,000 rows of 4 floats: a 24 KB body that decodes into 48 KB, over the class's 32 KiB budget.
        String data = "1,".repeat(12_000 - 1) + "1";
        NodeClient.Response r = node.client.post("/v2/models/iris/infer", "{\"inputs\":[{\"name\":\"float_input\","
                + "\"datatype\":\"FP32\",\"shape\":[3000,4],\"data\":[" + data + "]}]}");
        assertThat(r.status()).as(r.raw()).isEqualTo(400);
        assertThat(r.error()).isEqualTo("the request's input tensors take more than the limit of 32768 bytes "
                + "decoded (rtml.scoring.max-tensor-bytes)");
        String records = ("{\"sl\":1,\"sw\":1,\"pl\":1,\"pw\":1},").repeat(2100);
        NodeClient.Response rr = node.client.post("/v1/services/iris/predict",
                "{\"records\":[" + records.substring(0, records.length() - 1) + "]}");
        assertThat(rr.status()).as(rr.raw()).isEqualTo(400);
        assertThat(rr.error()).startsWith("record 2048: the request's input tensors take more than the limit");
    }

    @Test
    void dataUnderTheBudgetStillRuns() {
        String data = "1,".repeat(4_000 - 1) + "1"; // 1,000 rows: 16 KB decoded
        NodeClient.Response r = node.client.post("/v2/models/iris/infer", "{\"inputs\":[{\"name\":\"float_input\","
                + "\"datatype\":\"FP32\",\"shape\":[1000,4],\"data\":[" + data + "]}]}");
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(r.body().path("outputs").get(0).path("shape").get(0).asInt()).isEqualTo(1000);
    }
}
