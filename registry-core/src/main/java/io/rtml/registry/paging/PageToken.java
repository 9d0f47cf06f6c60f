package io.rtml.registry.paging;

import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * An opaque keyset cursor: the sort key of the last item of the previous page. Opaque so that
 * clients pass it back unchanged and the key's form can change without breaking them.
 */
public record PageToken(String key) {

    public static PageToken decode(String token) {
        if (token == null || token.isBlank()) {
            return null;
        }
        try {
            String key = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (key.isEmpty() || key.length() > 200 || key.indexOf('\0') >= 0) {
                // A NUL would reach PostgreSQL, which refuses it in text.
                throw new IllegalArgumentException("bad length or a NUL character");
            }
            return new PageToken(key);
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
    }

    public static String encode(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    public long asLong() {
        try {
            return Long.parseLong(key);
        } catch (NumberFormatException e) {
            throw invalid();
        }
    }

    private static RtmlException invalid() {
        return new RtmlException(ErrorCode.INVALID_PAGE_TOKEN,
                "pageToken is not a token this server handed out; start again without it");
    }
}
