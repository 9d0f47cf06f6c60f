package io.rtml.scoring;

import static io.rtml.scoring.ReferenceAssertions.assertOipOutput;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.testing.ReferenceModels;
import io.rtml.testing.ReferenceModels.ReferenceModel;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The binary tensor extension over REST, as Triton defines it: inputs with a {@code binary_data_size}
 * parameter take their bytes from after the JSON header ({@code Inference-Header-Content-Length});
 * outputs asked for as binary come after the response's JSON the same way. Every servable reference
 * model answers as over JSON; malformed sizes are 400s that say what is wrong.
 */
class BinaryTensorTest extends OneNodeTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    record Binary(int status, String contentType, String modelVersion, Integer headerLength, byte[] body) {

        JsonNode json() {
            int n = headerLength == null ? body.length : headerLength;
            return NodeClient.JSON.readTree(new String(body, 0, n, StandardCharsets.UTF_8));
        }
    }

    /** A body of {@code json} then {@code binary}, with the header giving the JSON's length (null: no header). */
    static Binary post(String service, byte[] json, byte[] binary, String headerValue) throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(json);
        body.write(binary);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.node.port()
                        + "/v2/models/" + service + "/infer"))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
        if (headerValue != null) {
            b.header("Inference-Header-Content-Length", headerValue);
        }
        HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Binary(r.statusCode(), r.headers().firstValue("Content-Type").orElse(null),
                r.headers().firstValue("Rtml-Model-Version").orElse(null),
                r.headers().firstValue("Inference-Header-Content-Length").map(Integer::valueOf).orElse(null), r.body());
    }

    /** The reference inputs with every input's data moved to the binary section; the JSON and the section. */
    static byte[][] binaryRequest(ReferenceModel model, boolean binaryOutputs) {
        ObjectNode request = NodeClient.JSON.createObjectNode();
        request.put("id", "bin-" + model.name());
        ArrayNode inputs = request.putArray("inputs");
        ByteArrayOutputStream section = new ByteArrayOutputStream();
        for (JsonNode in : model.reference().path("inputs")) {
            byte[] raw = OipMessages.raw(in.path("data"), in.path("datatype").asString());
            section.writeBytes(raw);
            ObjectNode copy = ((ObjectNode) in).deepCopy();
            copy.remove("data");
            copy.putObject("parameters").put("binary_data_size", raw.length);
            inputs.add(copy);
        }
        if (binaryOutputs) {
            request.putObject("parameters").put("binary_data_output", true);
        }
        return new byte[][] {NodeClient.JSON.writeValueAsBytes(request), section.toByteArray()};
    }

    /** The response's outputs with binary ones decoded into {@code data}, as a JSON response has them. */
    static List<JsonNode> outputs(Binary r) {
        JsonNode json = r.json();
        int at = r.headerLength() == null ? r.body().length : r.headerLength();
        List<JsonNode> outputs = new ArrayList<>();
        for (JsonNode out : json.path("outputs")) {
            ObjectNode o = ((ObjectNode) out).deepCopy();
            JsonNode size = out.path("parameters").path("binary_data_size");
            if (!size.isMissingNode()) {
                assertThat(out.has("data")).as("a binary output has no data in the JSON").isFalse();
                ArrayNode data = o.putArray("data");
                OipMessages.decode(Arrays.copyOfRange(r.body(), at, at + size.asInt()), out.path("datatype").asString(),
                        data);
                at += size.asInt();
            }
            outputs.add(o);
        }
        assertThat(at).as("the binary outputs fill the body").isEqualTo(r.body().length);
        return outputs;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.rtml.testing.ReferenceModels#servable")
    void binaryInputsAndOutputsMatchTheReferenceAsJsonDoes(ReferenceModel model) throws Exception {
        String service = "bin-" + model.name().replace('_', '-');
        node.deploy(artifacts, service, 1, model, null);

        for (boolean binaryOutputs : new boolean[] {true, false}) {
            byte[][] request = binaryRequest(model, binaryOutputs);
            Binary r = post(service, request[0], request[1], Integer.toString(request[0].length));
            assertThat(r.status()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
            assertThat(r.modelVersion()).isEqualTo("1");
            if (binaryOutputs) {
                assertThat(r.contentType()).isEqualTo("application/octet-stream");
                assertThat(r.headerLength()).isPositive();
            } else {
                assertThat(r.headerLength()).as("JSON outputs: a plain JSON reply").isNull();
                assertThat(r.contentType()).isEqualTo("application/json");
            }
            JsonNode json = r.json();
            assertThat(json.path("id").asString()).isEqualTo("bin-" + model.name());
            List<JsonNode> outputs = outputs(r);
            for (JsonNode expected : model.reference().path("outputs")) {
                assertOipOutput(OipMessages.named(outputs, expected.path("name").asString()), expected,
                        model.reference());
            }
        }
    }

    @Test
    void eachOutputMayChooseItsForm() throws Exception {
        ReferenceModel iris = ReferenceModels.named("sklearn_rf_iris_zipmap");
        node.deploy(artifacts, "mixed", 1, iris, null);
        String json = "{\"inputs\":" + iris.reference().path("inputs") + ",\"parameters\":{\"binary_data_output\":true},"
                + "\"outputs\":[{\"name\":\"output_label\",\"parameters\":{\"binary_data\":false}},"
                + "{\"name\":\"output_probability\"}]}";
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        Binary r = post("mixed", bytes, new byte[0], Integer.toString(bytes.length));
        assertThat(r.status()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        JsonNode out = r.json().path("outputs");
        assertThat(out.get(0).path("data").size()).as("label as JSON").isEqualTo(2);
        assertThat(out.get(1).path("parameters").path("binary_data_size").asInt()).isPositive();
        assertThat(out.get(1).path("parameters").path("content_type").asString()).isEqualTo("application/json");
        List<JsonNode> outputs = outputs(r);
        for (JsonNode expected : iris.reference().path("outputs")) {
            assertOipOutput(OipMessages.named(outputs, expected.path("name").asString()), expected, iris.reference());
        }
    }

    @Test
    void malformedSizesAre400sThatSayWhatIsWrong() throws Exception {
        ReferenceModel iris = ReferenceModels.named("sklearn_rf_iris_zipmap"); // float_input FP32 [2, 4]: 32 bytes
        node.deploy(artifacts, "sizes", 1, iris, null);
        byte[][] ok = binaryRequest(iris, true);
        byte[] json = ok[0];
        byte[] data = ok[1];
        String length = Integer.toString(json.length);

        assertBad(post("sizes", json, data, "ten"), "Inference-Header-Content-Length must be a byte count, not 'ten'");
        assertBad(post("sizes", json, data, "-1"), "the JSON header must be 1 to");
        assertBad(post("sizes", json, data, Integer.toString(json.length + data.length + 1)), "the JSON header must be 1 to");
        assertBad(post("sizes", json, data, Integer.toString(json.length - 1)), "malformed JSON");
        assertBad(post("sizes", json, Arrays.copyOf(data, 20), length), "binary_data_size is 32 bytes, but only 20");
        assertBad(post("sizes", json, Arrays.copyOf(data, 40), length),
                "holds 40 bytes, but the inputs' binary_data_size parameters add up to 32");
        assertBad(post("sizes", json, data, null), "no binary data: send the JSON's length");
        assertBad(withSize("sizes", iris, "30", Arrays.copyOf(data, 30)), "30 bytes are not a whole number of FP32");
        assertBad(withSize("sizes", iris, "16", Arrays.copyOf(data, 16)), "needs 8 values, data has 4");
        assertBad(withSize("sizes", iris, "-32", data), "binary_data_size must be a non-negative integer");
        assertBad(withSize("sizes", iris, "\"32\"", data), "binary_data_size must be a non-negative integer");
        assertBad(withSize("sizes", iris, "99999999999", data), "binary_data_size must be a non-negative integer");
        String both = "{\"inputs\":[{\"name\":\"float_input\",\"datatype\":\"FP32\",\"shape\":[2,4],"
                + "\"data\":[1,2,3,4,5,6,7,8],\"parameters\":{\"binary_data_size\":32}}]}";
        assertBad(post("sizes", both.getBytes(StandardCharsets.UTF_8), data, Integer.toString(both.length())),
                "has both 'data' and a binary_data_size parameter");
        String flag = "{\"inputs\":" + iris.reference().path("inputs") + ",\"parameters\":{\"binary_data_output\":1}}";
        assertBad(post("sizes", flag.getBytes(StandardCharsets.UTF_8), new byte[0], Integer.toString(flag.length())),
                "binary_data_output must be true or false");
        // after all of these the node answers the good request
        Binary r = post("sizes", json, data, length);
        assertThat(r.status()).isEqualTo(200);
    }

    @Test
    void bytesElementsWithBadLengthsAre400s() throws Exception {
        ReferenceModel titanic = ReferenceModels.named("sklearn_titanic_pipeline");
        node.deploy(artifacts, "strings", 1, titanic, null);
        // pclass BYTES [2, 1]: a length prefix that claims more than there is
        byte[] lying = {(byte) 200, 0, 0, 0, 'a'};
        String json = "{\"inputs\":[{\"name\":\"pclass\",\"datatype\":\"BYTES\",\"shape\":[2,1],"
                + "\"parameters\":{\"binary_data_size\":5}}]}";
        assertBad(post("strings", json.getBytes(StandardCharsets.UTF_8), lying, Integer.toString(json.length())),
                "BYTES element 0 declares 200 bytes, 1 are left");
        byte[] cut = {1, 0, 0, 0, 'a', 1, 0};
        String cutJson = json.replace("\"binary_data_size\":5", "\"binary_data_size\":7");
        assertBad(post("strings", cutJson.getBytes(StandardCharsets.UTF_8), cut, Integer.toString(cutJson.length())),
                "BYTES element 1 is cut short");
    }

    @Test
    void jsonRequestsWithOtherOrNullParametersAreAnsweredAsBefore() {
        ReferenceModel iris = ReferenceModels.named("sklearn_rf_iris_zipmap");
        node.deploy(artifacts, "plain", 1, iris, null);
        String json = "{\"parameters\":null,\"inputs\":[{\"name\":\"float_input\",\"datatype\":\"FP32\",\"shape\":[1,4],"
                + "\"data\":[1,2,3,4],\"parameters\":{\"content_type\":\"np\",\"n\":[1,{\"a\":2}]}}],"
                + "\"outputs\":[{\"name\":\"output_label\",\"parameters\":null}]}";
        NodeClient.Response r = node.client.post("/v2/models/plain/infer", json);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(r.body().path("outputs").get(0).path("data").size()).isEqualTo(1);
    }

    private static Binary withSize(String service, ReferenceModel model, String size, byte[] data) throws Exception {
        String json = "{\"inputs\":[{\"name\":\"float_input\",\"datatype\":\"FP32\",\"shape\":[2,4],"
                + "\"parameters\":{\"binary_data_size\":" + size + "}}]}";
        return post(service, json.getBytes(StandardCharsets.UTF_8), data, Integer.toString(json.length()));
    }

    private static void assertBad(Binary r, String message) {
        String body = new String(r.body(), StandardCharsets.UTF_8);
        assertThat(r.status()).as(body).isEqualTo(400);
        assertThat(NodeClient.JSON.readTree(body).path("error").asString()).contains(message);
    }
}
