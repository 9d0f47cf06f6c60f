package io.rtml.problem;

/**
 * Every error a client can see, with its HTTP status. The code is the stable, machine-readable
 * part of a problem body ({@code code} extension; the {@code type} URI ends with it): clients
 * branch on it, so a code never changes meaning once released.
 */
public enum ErrorCode {
    VALIDATION_FAILED(400, "Request is not valid"),
    MALFORMED_REQUEST(400, "Request body could not be read"),
    INVALID_NAME(400, "Name breaks the naming rule"),
    INVALID_PAGE_TOKEN(400, "Page token is not valid"),
    UNAUTHENTICATED(401, "Authentication required"),
    FORBIDDEN(403, "Not allowed"),
    NOT_FOUND(404, "Resource not found"),
    MODEL_NOT_FOUND(404, "Model not found"),
    VERSION_NOT_FOUND(404, "Model version not found"),
    ALIAS_NOT_FOUND(404, "Alias not found"),
    TARGET_NOT_FOUND(404, "Target not found"),
    SERVICE_NOT_FOUND(404, "Service not found"),
    DEPLOYMENT_NOT_FOUND(404, "Deployment not found"),
    WEBHOOK_NOT_FOUND(404, "Webhook not found"),
    METHOD_NOT_ALLOWED(405, "Method not allowed"),
    NOT_ACCEPTABLE(406, "Not acceptable"),
    MODEL_ALREADY_EXISTS(409, "Model already exists"),
    MODEL_IN_USE(409, "Model is in use"),
    SERVICE_ALREADY_EXISTS(409, "Service already exists"),
    DEPLOYMENT_IN_PROGRESS(409, "A deployment is already in progress"),
    NOTHING_TO_ROLL_BACK(409, "Nothing to roll back to"),
    NOT_ROLLING_OUT(409, "The deployment is not rolling out"),
    SIGNATURE_MISMATCH(409, "Signatures differ"),
    SIGNATURE_INCOMPATIBLE(409, "Signature incompatible with the active version"),
    CONFLICT(409, "Conflict"),
    PAYLOAD_TOO_LARGE(413, "Payload too large"),
    UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
    CHECKSUM_MISMATCH(422, "Checksum mismatch"),
    EMPTY_ARTIFACT(422, "Empty artifact"),
    NOT_ONNX(422, "Not an ONNX model"),
    EXTERNAL_DATA_NOT_SUPPORTED(422, "Model refers to external data"),
    MODEL_TOO_COMPLEX(422, "Model exceeds inspection limits"),
    MODEL_LOAD_FAILED(422, "ONNX Runtime cannot load the model"),
    RUNTIME_LOCALE_MISSING(422, "Model needs a locale the server lacks"),
    INVALID_EXAMPLE(422, "Example request does not fit the model"),
    REQUEST_TIMEOUT(408, "Request body arrived too slowly"),
    TOO_MANY_REQUESTS(429, "Too many requests"),
    INTERNAL_ERROR(500, "Internal error"),
    STORAGE_UNAVAILABLE(503, "Artifact storage unavailable"),
    DATABASE_UNAVAILABLE(503, "Database unavailable"),
    INSUFFICIENT_STORAGE(507, "Server out of disk space"),
    NODE_CREDENTIALS_UNCONFIGURED(503, "Node credentials are not configured");

    private final int status;
    private final String title;

    ErrorCode(int status, String title) {
        this.status = status;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }
}
