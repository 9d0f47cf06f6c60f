package io.rtml.registry.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code Rtml-Signature} header of a delivery: {@code t=<unix seconds>,v1=<hex HMAC-SHA256>}, the MAC
 * keyed with the webhook's secret over {@code "<t>." + body}. Signing the timestamp with the body lets a
 * receiver refuse a replayed delivery by its age (README: "Events and webhooks").
 */
public final class WebhookSignature {

    public static final String HEADER = "Rtml-Signature";

    private WebhookSignature() {}

    public static String header(String secret, long unixSeconds, byte[] body) {
        return "t=" + unixSeconds + ",v1=" + hmacHex(secret, unixSeconds, body);
    }

    static String hmacHex(String secret, long unixSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((unixSeconds + ".").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
