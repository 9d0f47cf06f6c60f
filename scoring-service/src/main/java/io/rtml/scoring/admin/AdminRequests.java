package io.rtml.scoring.admin;

import io.rtml.scoring.http.ApiException;
import io.rtml.scoring.runtime.ExampleRequest;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/** Bodies of the admin calls, checked before any work starts. */
final class AdminRequests {

    private static final Pattern SERVICE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    /** The registry keeps examples to 64 KiB; the node takes a little more room (JSON re-encoding). */
    private static final int MAX_EXAMPLE_CHARS = 128 * 1024;

    private AdminRequests() {}

    /**
     * Stage {@code version} of {@code service} from {@code artifactUrl}. {@code featureNames}
     * (optional) orders the columns of a 2-D input for the records API. {@code waitMillis}
     * (optional) bounds how long the call waits for the outcome before it answers 202 "still
     * staging"; without it the call waits until the stage is done. {@code example} (optional) is
     * the version's example request, fed by the warm-up instead of zeros.
     */
    record StageRequest(String service, Integer version, String versionId, String artifactUrl, String sha256,
            Long sizeBytes, List<String> featureNames, Long waitMillis, JsonNode example) {

        StageRequest normalized() {
            checkService(service);
            checkVersion(version);
            if (artifactUrl == null || artifactUrl.isBlank()) {
                throw ApiException.badRequest("'artifactUrl' is required");
            }
            URI uri;
            try {
                uri = URI.create(artifactUrl);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("'artifactUrl' is not a URL: " + e.getMessage());
            }
            if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
                throw ApiException.badRequest("'artifactUrl' must be an http or https URL");
            }
            String sha = sha256 == null ? null : sha256.toLowerCase(Locale.ROOT);
            if (sha == null || !SHA256.matcher(sha).matches()) {
                throw ApiException.badRequest("'sha256' must be 64 hex digits");
            }
            if (sizeBytes == null || sizeBytes < 0) {
                throw ApiException.badRequest("'sizeBytes' must be a non-negative integer");
            }
            if (waitMillis != null && waitMillis < 0) {
                throw ApiException.badRequest("'waitMillis' must be a non-negative integer");
            }
            if (example != null && example.toString().length() > MAX_EXAMPLE_CHARS) {
                throw ApiException.badRequest("'example' is longer than " + MAX_EXAMPLE_CHARS + " characters");
            }
            try {
                ExampleRequest.of(example);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("'example': " + e.getMessage());
            }
            return new StageRequest(service, version, versionId, artifactUrl, sha, sizeBytes,
                    featureNames == null ? List.of() : List.copyOf(featureNames), waitMillis, example);
        }

        ExampleRequest exampleRequest() {
            return ExampleRequest.of(example);
        }

        URI uri() {
            return URI.create(artifactUrl);
        }

        Duration waitFor() {
            return waitMillis == null ? null : Duration.ofMillis(waitMillis);
        }
    }

    /** A service and one of its versions (activate, unload). */
    record VersionRequest(String service, Integer version) {

        VersionRequest validated() {
            checkService(service);
            checkVersion(version);
            return this;
        }
    }

    /** A whole service (remove). */
    record ServiceRequest(String service) {

        ServiceRequest validated() {
            checkService(service);
            return this;
        }
    }

    /** A traffic split: {@code percent} (0-100) of the service's requests to {@code candidate}. */
    record TrafficRequest(Integer candidate, Integer percent) {

        TrafficRequest validated() {
            if (candidate == null || candidate < 1) {
                throw ApiException.badRequest("'candidate' must be a positive integer (a loaded version)");
            }
            if (percent == null || percent < 0 || percent > 100) {
                throw ApiException.badRequest("'percent' must be an integer from 0 to 100");
            }
            return this;
        }
    }

    /** Shadow scoring: {@code percent} (0-100) of requests scored by {@code candidate} too; floats compared within {@code tolerance}. */
    record ShadowRequest(Integer candidate, Integer percent, Double tolerance) {

        static final double DEFAULT_TOLERANCE = 1e-6;

        ShadowRequest validated() {
            new TrafficRequest(candidate, percent).validated();
            if (tolerance != null && (tolerance.isNaN() || tolerance < 0)) {
                throw ApiException.badRequest("'tolerance' must be a non-negative number");
            }
            return new ShadowRequest(candidate, percent, tolerance == null ? DEFAULT_TOLERANCE : tolerance);
        }
    }

    static String service(String service) {
        checkService(service);
        return service;
    }

    private static void checkService(String service) {
        if (service == null || !SERVICE.matcher(service).matches()) {
            throw ApiException.badRequest("'service' must be 1-128 letters, digits, '.', '_' or '-'");
        }
    }

    private static void checkVersion(Integer version) {
        if (version == null || version < 1) {
            throw ApiException.badRequest("'version' must be a positive integer");
        }
    }
}
