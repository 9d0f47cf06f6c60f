package io.rtml.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Clients that start a request and never finish it: each gets 408 and a closed connection once it
 * has been quiet for the read-idle timeout or has not finished within the request timeout, and
 * together they cannot hold more body bytes than the node's cap (503). Quiet connections with no
 * request under way stay open.
 */
@OneNodeTest.NodeSettings({"rtml.scoring.read-idle-timeout-millis=1000", "rtml.scoring.request-timeout-millis=3000",
        "rtml.scoring.max-body-bytes=65536", "rtml.scoring.max-unfinished-body-bytes=200000"})
class SlowClientTest extends OneNodeTest {

    @BeforeAll
    static void deployIris() {
        node.deploy(artifacts, "iris", 1, BadInputTest.model("sklearn_rf_iris_zipmap"), List.of("sl", "sw", "pl", "pw"));
    }

    @AfterEach
    void nodeStillPredicts() {
        NodeClient.Response r = node.client.post("/v2/models/iris/infer", BadInputTest.OK);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(r.body().path("outputs").get(0).path("data").get(0).asInt()).isZero();
    }

    static String head(int contentLength) {
        return "POST /v2/models/iris/infer HTTP/1.1\r\nHost: node\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + contentLength + "\r\n\r\n";
    }

    @Test
    void aBodyThatStopsArrivingGets408AndACloseAfterTheIdleTimeout() throws IOException {
        try (Socket s = connect()) {
            send(s, head(10_000) + "{\"inputs\":[");
            long start = System.nanoTime();
            String reply = readUntilClosed(s);
            assertThat(reply).startsWith("HTTP/1.1 408").containsIgnoringCase("Connection: close")
                    .contains("rtml.scoring.read-idle-timeout-millis");
            assertThat((System.nanoTime() - start) / 1_000_000).as("ms").isBetween(900L, 2_500L);
        }
    }

    @Test
    void headersThatStopArrivingGet408() throws IOException {
        try (Socket s = connect()) {
            send(s, "POST /v2/models/iris/infer HTTP/1.1\r\nHost: node\r\n");
            assertThat(readUntilClosed(s)).startsWith("HTTP/1.1 408");
        }
    }

    @Test
    void aBodyTrickledSlowerThanTheRequestTimeoutGets408() throws Exception {
        try (Socket s = connect()) {
            send(s, head(10_000));
            long start = System.nanoTime();
            // One byte every 300 ms: never quiet for 1 s, but not done within 3 s.
            for (int i = 0; i < 14; i++) {
                Thread.sleep(300);
                try {
                    send(s, " ");
                } catch (IOException closed) {
                    break;
                }
            }
            assertThat(readUntilClosed(s)).startsWith("HTTP/1.1 408").contains("rtml.scoring.request-timeout-millis");
            assertThat((System.nanoTime() - start) / 1_000_000).as("ms").isBetween(2_800L, 4_500L);
        }
    }

    @Test
    void unfinishedBodiesTogetherAreCappedWith503() throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            String chunk = " ".repeat(60_000);
            // Three bodies of 60 KB fit under the 200,000-byte cap; the fourth does not.
            for (int i = 0; i < 3; i++) {
                Socket s = connect();
                held.add(s);
                send(s, head(65_000) + chunk);
            }
            Thread.sleep(100);
            try (Socket fourth = connect()) {
                send(fourth, head(65_000) + chunk);
                assertThat(readUntilClosed(fourth)).startsWith("HTTP/1.1 503")
                        .contains("rtml.scoring.max-unfinished-body-bytes");
            }
            // A small prediction arrives whole with its headers and is never counted.
            NodeClient.Response r = node.client.post("/v2/models/iris/infer", BadInputTest.OK);
            assertThat(r.status()).as(r.raw()).isEqualTo(200);
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
        // The held ones time out (or were closed); their bytes are released: a large body passes again
        // (as soon as the node has seen the closes, which is waited for, not slept for).
        String rows = "5.1,3.5,1.4,0.2,".repeat(2_000);
        String large = "{\"inputs\":[{\"name\":\"float_input\","
                + "\"datatype\":\"FP32\",\"shape\":[2000,4],\"data\":[" + rows.substring(0, rows.length() - 1) + "]}]}";
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
            NodeClient.Response big = node.client.post("/v2/models/iris/infer", large);
            assertThat(big.status()).as(big.raw()).isEqualTo(200);
        });
    }

    @Test
    void aQuietConnectionBetweenRequestsStaysOpen() throws Exception {
        try (Socket s = connect()) {
            String body = BadInputTest.OK;
            send(s, head(body.length()) + body);
            assertThat(readResponse(s)).startsWith("HTTP/1.1 200");
            Thread.sleep(1_500); // longer than the read-idle timeout
            send(s, head(body.length()) + body);
            assertThat(readResponse(s)).startsWith("HTTP/1.1 200");
        }
    }

    private static Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", node.node.port());
        s.setSoTimeout(10_000);
        return s;
    }

    private static void send(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Everything the node sends until it closes the connection (a read timeout fails the test). */
    private static String readUntilClosed(Socket s) throws IOException {
        return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    }

    /** One response whose body is no larger than what arrives in the first reads after the headers. */
    private static String readResponse(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (true) {
            int n = in.read(buf);
            if (n < 0) {
                break;
            }
            got.write(buf, 0, n);
            String text = got.toString(StandardCharsets.US_ASCII);
            int headEnd = text.indexOf("\r\n\r\n");
            if (headEnd > 0) {
                int at = text.indexOf("content-length: ");
                int length = Integer.parseInt(text.substring(at + 16, text.indexOf("\r\n", at)).trim());
                if (text.length() >= headEnd + 4 + length) {
                    return text;
                }
            }
        }
        return got.toString(StandardCharsets.US_ASCII);
    }
}
