package io.rtml.scoring;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-service API keys for the prediction API. A node's predictions are open unless keys are
 * configured for the service (or for {@code *}, every service): then a request must present one
 * of them as {@code Authorization: Bearer <key>} or {@code X-API-Key: <key>}.
 *
 * <p>Configured as {@code rtml.scoring.api-keys} / {@code RTML_SCORING_API_KEYS}:
 * {@code fraud=key1|key2;churn=key3} or {@code *=key}.
 */
public final class ServiceKeys {

    private static final ServiceKeys NONE = new ServiceKeys(Map.of());

    private final Map<String, List<byte[]>> keysByService;

    private ServiceKeys(Map<String, List<byte[]>> keysByService) {
        this.keysByService = keysByService;
    }

    public static ServiceKeys parse(String spec) {
        if (spec == null || spec.isBlank()) {
            return NONE;
        }
        Map<String, List<byte[]>> keys = new HashMap<>();
        for (String entry : spec.split(";")) {
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                throw new IllegalArgumentException("rtml.scoring.api-keys entries look like service=key1|key2, not '"
                        + entry.substring(0, Math.min(entry.length(), eq < 0 ? entry.length() : eq)) + "=…'");
            }
            List<byte[]> values = java.util.Arrays.stream(entry.substring(eq + 1).split("\\|"))
                    .map(String::trim).filter(k -> !k.isEmpty()).map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
            keys.put(entry.substring(0, eq).trim(), values);
        }
        return new ServiceKeys(Map.copyOf(keys));
    }

    /** Whether a request for {@code service} that presents {@code presented} (or null) may pass. */
    boolean allows(String service, String presented) {
        List<byte[]> keys = keysByService.getOrDefault(service, keysByService.get("*"));
        if (keys == null) {
            return true;
        }
        if (presented == null) {
            return false;
        }
        byte[] candidate = presented.getBytes(StandardCharsets.UTF_8);
        boolean match = false;
        for (byte[] key : keys) {
            match |= MessageDigest.isEqual(key, candidate); // no early exit: time does not tell which key matched
        }
        return match;
    }

    int services() {
        return keysByService.size();
    }
}
