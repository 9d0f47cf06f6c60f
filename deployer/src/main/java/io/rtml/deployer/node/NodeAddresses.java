package io.rtml.deployer.node;

import io.rtml.deployment.AddressPolicy;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Checks where a node's host name leads right before the deployer calls it (DNS rebinding: a
 * target's name that now resolves to loopback or to the cloud metadata address must not receive the
 * node credential and presigned URLs), with {@link AddressPolicy}.
 *
 * <p>A plain-http call goes to the checked address itself: the request's host is replaced by that
 * address, so the JDK's client opens its connection without resolving the name again (the node does
 * not look at the Host header, which then names the address). An https call keeps the name, which
 * the certificate check needs: the name is checked before the call and the client resolves it again
 * when it opens a connection, normally from the JVM's DNS cache ({@code networkaddress.cache.ttl},
 * 30 s); a swapped address in between would still have to show a certificate for the name. The JDK
 * client has no resolver hook that would close that gap (docs/security.md).
 */
@Component
@EnableConfigurationProperties(NodeAddressProperties.class)
class NodeAddresses {

    private final AddressPolicy policy;

    NodeAddresses(NodeAddressProperties properties) {
        this.policy = new AddressPolicy(properties.allowedCidrs(), "rtml.deployer.node-addresses.allowed-cidrs");
    }

    /** Sends {@code request} to its checked address; a refused or unknown name fails the future. */
    <T> CompletableFuture<HttpResponse<T>> send(HttpClient http, HttpRequest request, HttpResponse.BodyHandler<T> body) {
        HttpRequest pinned;
        try {
            pinned = pinned(request);
        } catch (UnknownHostException e) {
            return CompletableFuture.failedFuture(e);
        }
        return http.sendAsync(pinned, body);
    }

    HttpRequest pinned(HttpRequest request) throws UnknownHostException {
        URI uri = request.uri();
        String host = uri.getHost();
        InetAddress address = policy.pin(host);
        if (!"http".equalsIgnoreCase(uri.getScheme()) || AddressPolicy.isLiteral(host)) {
            return request;
        }
        String literal = address instanceof Inet6Address v6 ? "[" + stripScope(v6.getHostAddress()) + "]"
                : address.getHostAddress();
        URI to = URI.create(uri.getScheme() + "://" + literal + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + (uri.getRawPath() == null ? "" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
        return HttpRequest.newBuilder(request, (name, value) -> true).uri(to).build();
    }

    private static String stripScope(String address) {
        int percent = address.indexOf('%');
        return percent < 0 ? address : address.substring(0, percent);
    }
}
