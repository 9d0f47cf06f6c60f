package io.rtml.deployer.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.rtml.deployment.AddressPolicy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DNS rebinding against a real node-like server on a loopback port: a node named {@code localhost}
 * (a name that resolves to loopback) is never called unless loopback is an allowed range, and a
 * plain-http call goes to the address that was checked.
 */
class NodeAddressesTest {

    private HttpServer node;
    private final List<String> hosts = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        node = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        node.createContext("/admin/v1/state", exchange -> {
            hosts.add(exchange.getRequestHeaders().getFirst("Host"));
            byte[] body = "{\"services\":[]}".getBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        node.start();
    }

    @AfterEach
    void stop() {
        node.stop(0);
    }

    @Test
    void aNodeNameThatResolvesToLoopbackIsNotCalledWhenLoopbackIsNotAllowed() {
        NodeAddresses strict = new NodeAddresses(new NodeAddressProperties(List.of()));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + node.getAddress().getPort()
                + "/admin/v1/state")).header("Authorization", "Bearer node-credential").GET().build();

        assertThatThrownBy(() -> strict.send(http, request, HttpResponse.BodyHandlers.ofString()).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(AddressPolicy.RefusedAddressException.class)
                .hasMessageContaining("'localhost' resolves to")
                .hasMessageContaining("rtml.deployer.node-addresses.allowed-cidrs");
        assertThat(hosts).as("the node saw no request, so no credential").isEmpty();
    }

    @Test
    void aPlainHttpCallGoesToTheCheckedAddressWithItsHeaders() throws Exception {
        NodeAddresses loopbackAllowed = new NodeAddresses(new NodeAddressProperties(List.of("127.0.0.0/8", "::1/128")));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + node.getAddress().getPort()
                + "/admin/v1/state")).header("Authorization", "Bearer node-credential").GET().build();

        HttpRequest pinned = loopbackAllowed.pinned(request);
        assertThat(pinned.uri().getHost()).isEqualTo(InetAddress.getByName("localhost").getHostAddress().contains(":")
                ? "[" + InetAddress.getByName("localhost").getHostAddress() + "]" : InetAddress.getByName("localhost")
                        .getHostAddress());
        assertThat(pinned.headers().firstValue("Authorization")).hasValue("Bearer node-credential");
        HttpResponse<String> answer = loopbackAllowed.send(http, request, HttpResponse.BodyHandlers.ofString())
                .get(10, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(hosts).singleElement().asString().doesNotContain("localhost");
    }

    @Test
    void literalsAndHttpsNamesAreLeftAsTheyAre() throws Exception {
        NodeAddresses strict = new NodeAddresses(new NodeAddressProperties(List.of()));
        HttpRequest literal = HttpRequest.newBuilder(URI.create("http://127.0.0.1:9/admin/v1/state")).build();
        assertThat(strict.pinned(literal)).isSameAs(literal);
        HttpRequest tls = HttpRequest.newBuilder(URI.create("https://localhost:9/admin/v1/state")).build();
        assertThatThrownBy(() -> strict.pinned(tls)).isInstanceOf(AddressPolicy.RefusedAddressException.class);
    }
}
