package io.rtml.deployer.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.StringJoiner;

/** Calls the Open Inference Protocol on a node with an MNIST-shaped input and reports the serving version. */
public final class Predictor {

    private static final String MNIST_BODY;

    static {
        StringJoiner zeros = new StringJoiner(",", "[", "]");
        Collections.nCopies(784, "0").forEach(zeros::add);
        MNIST_BODY = "{\"inputs\":[{\"name\":\"input_image\",\"shape\":[1,1,28,28],\"datatype\":\"FP32\",\"data\":"
                + zeros + "}]}";
    }

    /** The input of {@code Registry.bigIdentityVersion}: y = Identity(x), x FLOAT [N,3]. */
    public static final String IDENTITY_BODY =
            "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[1,2,3]}]}";

    private final String body;

    /** For MNIST-shaped services. */
    public Predictor() {
        this(MNIST_BODY);
    }

    public Predictor(String body) {
        this.body = body;
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    /** The answer: HTTP status and the Rtml-Model-Version header (null when absent). */
    public record Answer(int status, String version) {}

    public Answer infer(String baseUrl, String service) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/v2/models/" + service + "/infer"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.headers().firstValue("Rtml-Model-Version").orElse(null));
        } catch (java.io.IOException e) {
            return new Answer(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(-1, "interrupted");
        }
    }

    /** The version the node serves for the service, or null when it does not answer 200. */
    public String version(String baseUrl, String service) {
        Answer answer = infer(baseUrl, service);
        return answer.status() == 200 ? answer.version() : null;
    }
}
