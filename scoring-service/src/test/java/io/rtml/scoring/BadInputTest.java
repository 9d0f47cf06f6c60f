package io.rtml.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.testing.ReferenceModels;
import io.rtml.testing.ReferenceModels.ReferenceModel;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Every way a caller can get a request wrong: a clear 4xx, and the node keeps serving. */
@OneNodeTest.NodeSettings("rtml.scoring.max-body-bytes=65536")
class BadInputTest extends OneNodeTest {

    static final String OK = "{\"inputs\":[{\"name\":\"float_input\",\"datatype\":\"FP32\",\"shape\":[1,4],"
            + "\"data\":[5.1,3.5,1.4,0.2]}]}";

    @BeforeAll
    static void deployModels() {
        ReferenceModel iris = model("sklearn_rf_iris_zipmap");
        node.deploy(artifacts, "iris", 1, iris, List.of("sl", "sw", "pl", "pw"));
        node.deploy(artifacts, "titanic", 1, model("sklearn_titanic_pipeline"), null);
        NodeClient.Response staged = node.stage("staged-only", 1, artifacts.put("s.onnx", iris.readBytes()),
                iris.sha256(), iris.bytes(), null);
        assertThat(staged.status()).isEqualTo(200);
    }

    @AfterEach
    void nodeStillServes() {
        NodeClient.Response r = node.client.post("/v2/models/iris/infer", OK);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
    }

    static ReferenceModel model(String name) {
        return ReferenceModels.named(name);
    }

    static List<String[]> badInferBodies() {
        String in = "{\"name\":\"float_input\",\"datatype\":\"FP32\",\"shape\":[1,4],";
        return List.of(
                new String[] {"{\"inputs\": [", "malformed JSON"},
                new String[] {"", "the request body must be a JSON object"},
                new String[] {"[1,2]", "the request body must be a JSON object"},
                new String[] {"{\"inputs\": {}}", "'inputs' must be an array"},
                new String[] {"{\"inputs\": [42]}", "each element of 'inputs' must be an object"},
                new String[] {"{\"inputs\": []}", "missing input 'float_input'"},
                new String[] {"{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,4],\"data\":[1,2,3,4]}]}",
                        "unknown input 'x'"},
                new String[] {"{\"inputs\":[" + in + "\"data\":[1,2,3,4]}," + in + "\"data\":[1,2,3,4]}]}", "given twice"},
                new String[] {"{\"inputs\":[{\"name\":\"float_input\",\"datatype\":\"FP64\",\"shape\":[1,4],\"data\":[1,2,3,4]}]}",
                        "datatype FP64 does not match the model's FP32"},
                new String[] {"{\"inputs\":[{\"name\":\"float_input\",\"datatype\":\"FP99\",\"shape\":[1,4],\"data\":[1,2,3,4]}]}",
                        "unknown datatype 'FP99'"},
                new String[] {"{\"inputs\":[" + in + "\"data\":[1,2,3]}]}", "needs 4 values, data has 3"},
                new String[] {"{\"inputs\":[{\"name\":\"float_input\",\"datatype\":\"FP32\",\"shape\":[4],\"data\":[1,2,3,4]}]}",
                        "does not match the model's [-1, 4]"},
                new String[] {"{\"inputs\":[{\"name\":\"float_input\",\"datatype\":\"FP32\",\"shape\":[1,5],\"data\":[1,2,3,4,5]}]}",
                        "does not match the model's [-1, 4]"},
                new String[] {"{\"inputs\":[" + in + "\"data\":[1,\"two\",3,4]}]}", "datatype FP32 cannot take a string"},
                new String[] {"{\"inputs\":[" + in + "\"data\":[1,null,3,4]}]}", "found null"},
                new String[] {"{\"inputs\":[" + in + "\"data\":[1,{},3,4]}]}", "found an object"},
                new String[] {"{\"inputs\":[{\"name\":\"float_input\",\"datatype\":\"FP32\",\"data\":[1,2,3,4]}]}", "has no 'shape'"},
                new String[] {"{\"inputs\":[{\"datatype\":\"FP32\",\"shape\":[1,4],\"data\":[1,2,3,4]}]}", "has no 'name'"},
                new String[] {"{\"inputs\":[{\"name\":\"float_input\",\"datatype\":\"FP32\",\"shape\":[1,4]}]}", "has no 'data'"},
                new String[] {"{\"inputs\":[{\"name\":\"float_input\",\"datatype\":\"FP32\",\"shape\":[1,-4],\"data\":[1]}]}",
                        "non-negative integers"},
                new String[] {"{\"inputs\":[{\"name\":\"float_input\",\"datatype\":7,\"shape\":[1,4],\"data\":[1,2,3,4]}]}",
                        "must be a string"},
                new String[] {"{\"inputs\":[" + in + "\"data\":[1,2,3,4]}],\"outputs\":[{\"name\":\"nope\"}]}", "unknown output 'nope'"});
    }

    @ParameterizedTest
    @MethodSource("badInferBodies")
    void badInferRequestsAre400(String body, String message) {
        NodeClient.Response r = node.client.post("/v2/models/iris/infer", body);
        assertThat(r.status()).as(r.raw()).isEqualTo(400);
        assertThat(r.error()).contains(message);
        assertThat(r.modelVersion()).isEqualTo("1");
    }

    @Test
    void integerInputsRejectFractionsAndOutOfRangeValues() {
        String tiny = "{\"inputs\":[{\"name\":\"pclass\",\"datatype\":\"BYTES\",\"shape\":[1,1],\"data\":[1]}]}";
        NodeClient.Response r = node.client.post("/v2/models/titanic/infer", tiny);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).contains("datatype BYTES cannot take a number");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "GET|/v2/models/unknown|404|unknown service 'unknown'",
        "POST|/v2/models/unknown/infer|404|unknown service 'unknown'",
        "GET|/v2/models/iris/versions/7|404|version 7 of service 'iris' is not loaded",
        "POST|/v2/models/iris/versions/7/infer|404|version 7 of service 'iris' is not loaded",
        "GET|/v2/models/iris/versions/seven|404|'seven' is not a version number",
        "GET|/v2/models/iris/infer|405|method GET is not allowed here; use POST",
        "POST|/v2/models/iris|405|method POST is not allowed here; use GET",
        "DELETE|/v2/health/live|405|method DELETE is not allowed here; use GET",
        "GET|/v2/models/iris/explain|404|no such endpoint",
        "GET|/v3|404|no such endpoint",
        "GET|/|404|no such endpoint",
        "GET|/v1/services/iris/predict|405|method GET is not allowed here; use POST",
        "POST|/v1/services/unknown/predict|404|unknown service 'unknown'",
        "POST|/v2/models/staged-only/infer|503|service 'staged-only' has no active version",
        "GET|/v2/models/staged-only/ready|503|service 'staged-only' has no active version",
        "POST|/v1/services/staged-only/predict|503|service 'staged-only' has no active version",
    })
    void wrongPathsMethodsAndServices(String method, String path, int status, String message) {
        NodeClient.Response r = node.client.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + node.node.port() + path))
                .method(method, java.net.http.HttpRequest.BodyPublishers.ofString(method.equals("GET") ? "" : OK)), false);
        assertThat(r.status()).as(r.raw()).isEqualTo(status);
        assertThat(r.error()).isEqualTo(message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{\"records\":[{\"sl\":5.1,\"sw\":3.5,\"pl\":1.4}]}|record 0: missing field 'pw'",
        "{\"records\":[{\"sl\":5.1,\"sw\":3.5,\"pl\":1.4,\"pw\":0.2},{\"sl\":\"big\",\"sw\":3.5,\"pl\":1.4,\"pw\":0.2}]}|record 1: field 'sl' must be a number, got \"big\"",
        "{\"records\":[{\"sl\":5.1,\"sw\":3.5,\"pl\":1.4,\"pw\":null}]}|record 0: field 'pw' must be a number, got null",
        "{\"records\":{}}|'records' must be an array of objects",
        "{\"records\":[]}|'records' is empty",
        "{\"records\":[7]}|record 0 is not an object",
        "{\"rows\":[]}|the request body has no 'records'",
        "{\"records\":[{\"sl\":5.1,|malformed JSON",
    })
    void badRecordsAre400(String body, String message) {
        NodeClient.Response r = node.client.post("/v1/services/iris/predict", body);
        assertThat(r.status()).as(r.raw()).isEqualTo(400);
        assertThat(r.error()).startsWith(message);
    }

    @Test
    void titanicRecordsNameTheMistypedColumn() {
        NodeClient.Response r = node.client.post("/v1/services/titanic/predict",
                "{\"records\":[{\"pclass\":1,\"sex\":\"male\",\"age\":22,\"fare\":7.25,\"embarked\":\"S\"}]}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).isEqualTo("record 0: field 'pclass' must be a string, got 1");
        NodeClient.Response ok = node.client.post("/v1/services/titanic/predict",
                "{\"records\":[{\"pclass\":\"1\",\"sex\":\"male\",\"age\":22,\"fare\":7.25,\"embarked\":\"S\",\"id\":9}]}");
        assertThat(ok.status()).as(ok.raw()).isEqualTo(200);
    }

    @Test
    void oversizedBodyIs413WithAJsonError() {
        String huge = "{\"inputs\":[],\"pad\":\"" + "x".repeat(70_000) + "\"}";
        NodeClient.Response r = node.client.post("/v2/models/iris/infer", huge);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.error()).isEqualTo("request body larger than the limit of 65536 bytes");
    }

    @Test
    void garbageOnTheSocketDoesNotHurtTheNode() throws Exception {
        try (Socket s = new Socket("127.0.0.1", node.node.port())) {
            OutputStream out = s.getOutputStream();
            out.write("THIS IS NOT HTTP\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String reply = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(reply).startsWith("HTTP/1.1 400");
        }
    }

    @Test
    void healthAndServerMetadata() {
        assertThat(node.client.get("/v2/health/live").body().path("live").asBoolean()).isTrue();
        assertThat(node.client.get("/v2/health/ready").body().path("ready").asBoolean()).isTrue();
        NodeClient.Response meta = node.client.get("/v2");
        assertThat(meta.body().path("name").asString()).isEqualTo("rtml-scoring");
        // The build's version (resource filtering), not a constant in the code.
        assertThat(meta.body().path("version").asString()).isEqualTo(System.getProperty("rtml.test.project-version"))
                .isNotBlank();
        assertThat(meta.body().path("node").path("kind").asString()).isEqualTo("EDGE");
        NodeClient.Response ready = node.client.get("/v2/models/iris/ready");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.body().path("ready").asBoolean()).isTrue();
    }

    @Test
    void dataMayComeBeforeDatatypeAndNestedArraysAreAccepted() {
        String body = "{\"id\":\"x1\",\"parameters\":{\"a\":1},\"inputs\":[{\"data\":[[5.1,3.5,1.4,0.2]],"
                + "\"shape\":[1,4],\"name\":\"float_input\",\"datatype\":\"FP32\",\"parameters\":{}}],"
                + "\"outputs\":[{\"name\":\"output_label\"}]}";
        NodeClient.Response r = node.client.post("/v2/models/iris/infer", body);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(r.body().path("id").asString()).isEqualTo("x1");
        assertThat(r.body().path("outputs").size()).isEqualTo(1);
        assertThat(r.body().path("outputs").get(0).path("data").get(0).asInt()).isZero();
    }
}
