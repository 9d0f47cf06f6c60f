package io.rtml.scoring.http;

/**
 * An error the caller caused (or a state the caller must know about), carried to the HTTP layer,
 * which turns it into {@code {"error": "..."}} with this status. Thrown instead of returned so that
 * deep parsing code can reject input in one line.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private String modelVersion;

    public ApiException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, message);
    }

    public static ApiException unavailable(String message) {
        return new ApiException(503, message);
    }

    /** Marks the error as answered by a model version, so the response still names it. */
    public ApiException withModelVersion(String version) {
        this.modelVersion = version;
        return this;
    }

    public String modelVersion() {
        return modelVersion;
    }

    public int status() {
        return status;
    }
}
