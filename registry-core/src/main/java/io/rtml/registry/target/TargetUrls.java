package io.rtml.registry.target;

import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import io.rtml.problem.RtmlException.FieldError;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * The syntax of a target's base URL, checked when a target is created or changed: the deployer
 * builds every node call from it, and the gallery shows it to be pasted into a shell. It must
 * parse as a {@link URI}, be http or https, name a host, and carry no credentials, query or
 * fragment. Which hosts are allowed is a policy checked beside this, not here. A refusal never
 * repeats the URL: it may hold a password.
 */
public final class TargetUrls {

    private static final int MAX_LENGTH = 2000;

    private TargetUrls() {}

    /** Returns {@code url} when it is a valid base URL, else throws a 400 VALIDATION_FAILED problem. */
    public static String checkBaseUrl(String url) {
        return checkUrl(url, "baseUrl");
    }

    /** As {@link #checkBaseUrl}, for another field that takes a URL under the same rules (a webhook's {@code url}). */
    public static String checkUrl(String url, String field) {
        if (url == null || url.isEmpty() || url.length() > MAX_LENGTH) {
            throw refused(field, "must be an http(s) URL of 1 to " + MAX_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw refused(field, "is not a valid URL (" + e.getReason() + " at index " + e.getIndex() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw refused(field, "must start with http:// or https://");
        }
        if (uri.getRawUserInfo() != null) {
            throw refused(field, "must not contain credentials (user:password@): refused and not stored"
                    + (field.equals("baseUrl") ? "; each target gets its own node credential from the registry"
                            : "; deliveries are signed with the webhook's secret instead"));
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw refused(field, "must name a host (letters, digits, '-' and '.', an IPv4 address or a bracketed IPv6 one)");
        }
        if (uri.getPort() > 65535) {
            throw refused(field, "has a port above 65535");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw refused(field, "must not have a query (?…) or a fragment (#…): paths are appended to it");
        }
        return url;
    }

    private static RtmlException refused(String field, String why) {
        return new RtmlException(ErrorCode.VALIDATION_FAILED, "the request is not valid: " + field + " " + why,
                List.of(new FieldError(field, why)), null);
    }
}
