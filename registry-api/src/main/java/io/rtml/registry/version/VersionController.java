package io.rtml.registry.version;

import static io.rtml.problem.ErrorCode.CHECKSUM_MISMATCH;
import static io.rtml.problem.ErrorCode.EMPTY_ARTIFACT;
import static io.rtml.problem.ErrorCode.EXTERNAL_DATA_NOT_SUPPORTED;
import static io.rtml.problem.ErrorCode.INSUFFICIENT_STORAGE;
import static io.rtml.problem.ErrorCode.INVALID_EXAMPLE;
import static io.rtml.problem.ErrorCode.INVALID_PAGE_TOKEN;
import static io.rtml.problem.ErrorCode.MALFORMED_REQUEST;
import static io.rtml.problem.ErrorCode.MODEL_LOAD_FAILED;
import static io.rtml.problem.ErrorCode.MODEL_NOT_FOUND;
import static io.rtml.problem.ErrorCode.MODEL_TOO_COMPLEX;
import static io.rtml.problem.ErrorCode.NOT_ONNX;
import static io.rtml.problem.ErrorCode.PAYLOAD_TOO_LARGE;
import static io.rtml.problem.ErrorCode.REQUEST_TIMEOUT;
import static io.rtml.problem.ErrorCode.RUNTIME_LOCALE_MISSING;
import static io.rtml.problem.ErrorCode.STORAGE_UNAVAILABLE;
import static io.rtml.problem.ErrorCode.UNSUPPORTED_MEDIA_TYPE;
import static io.rtml.problem.ErrorCode.VERSION_NOT_FOUND;

import io.rtml.registry.access.Role;
import io.rtml.registry.access.Resource;
import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import io.rtml.registry.access.Actor;
import io.rtml.registry.api.Paging;
import io.rtml.registry.apidocs.ProblemCodes;
import io.rtml.registry.model.TagFilter;
import io.rtml.registry.paging.Page;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.SchemaProperty;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import org.springframework.http.ContentDisposition;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.multipart.MultipartHttpServletRequest;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

@RestController
@Tag(name = "versions")
@RequestMapping("/api/v1/models/{name}/versions")
class VersionController {

    private final VersionService versions;
    private final UploadLimit uploadLimit;
    private final Paging paging;
    private final UploadSlots slots;

    VersionController(VersionService versions, UploadLimit uploadLimit, Paging paging, UploadSlots slots) {
        this.versions = versions;
        this.uploadLimit = uploadLimit;
        this.paging = paging;
        this.slots = slots;
    }

    /**
     * Upload as {@code multipart/form-data}: part {@code file}, optional {@code description} and {@code tag} parts.
     * The container parses the body (to disk) only when a part or parameter is first asked for, so this
     * asks only once the token may publish to the model and has a free upload slot.
     */
    @ProblemCodes({MODEL_NOT_FOUND, MALFORMED_REQUEST, REQUEST_TIMEOUT, PAYLOAD_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE,
            CHECKSUM_MISMATCH, EMPTY_ARTIFACT, NOT_ONNX, EXTERNAL_DATA_NOT_SUPPORTED, MODEL_TOO_COMPLEX, MODEL_LOAD_FAILED,
            RUNTIME_LOCALE_MISSING, INVALID_EXAMPLE, STORAGE_UNAVAILABLE, INSUFFICIENT_STORAGE})
    @Operation(hidden = true) // uploadRaw documents both: one path, one operation, two content types
    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<ModelVersionResponse> uploadMultipart(@PathVariable String name, MultipartHttpServletRequest request,
            @RequestHeader(value = "Content-SHA256", required = false) String sha256,
            @RequestHeader(value = "X-Checksum-Sha256", required = false) String checksum, Actor actor) throws IOException {
        versions.checkMayPublish(name, actor);
        try (UploadSlots.Slot slot = slots.take(actor)) {
            MultipartFile file = request.getFile("file");
            if (file == null) {
                throw new RtmlException(ErrorCode.MALFORMED_REQUEST, "the multipart body has no part named 'file'");
            }
            String[] tags = request.getParameterValues("tag");
            try (InputStream body = file.getInputStream()) {
                return created(versions.register(name, body, upload(request.getParameter("description"),
                        tags == null ? null : List.of(tags), sha256, checksum), actor));
            }
        }
    }

    /** Upload the raw bytes as {@code application/octet-stream}; metadata as query parameters. */
    @ProblemCodes({MODEL_NOT_FOUND, MALFORMED_REQUEST, REQUEST_TIMEOUT, PAYLOAD_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE,
            CHECKSUM_MISMATCH, EMPTY_ARTIFACT, NOT_ONNX, EXTERNAL_DATA_NOT_SUPPORTED, MODEL_TOO_COMPLEX, MODEL_LOAD_FAILED,
            RUNTIME_LOCALE_MISSING, INVALID_EXAMPLE, STORAGE_UNAVAILABLE, INSUFFICIENT_STORAGE})
    @Operation(operationId = "versions_upload", requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(
            required = true, content = {
                @Content(mediaType = MediaType.APPLICATION_OCTET_STREAM_VALUE,
                        schema = @Schema(type = "string", format = "binary")),
                @Content(mediaType = MediaType.MULTIPART_FORM_DATA_VALUE, schemaProperties = {
                    @SchemaProperty(name = "file", schema = @Schema(type = "string", format = "binary")),
                    @SchemaProperty(name = "description", schema = @Schema(type = "string")),
                    @SchemaProperty(name = "tag", array = @ArraySchema(schema = @Schema(type = "string")))})}))
    @ApiResponse(responseCode = "201", description = "created; Location names it", useReturnTypeSchema = true)
    @PostMapping(consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    ResponseEntity<ModelVersionResponse> uploadRaw(@PathVariable String name, HttpServletRequest request,
            @RequestParam(required = false) String description, @RequestParam(required = false) List<String> tag,
            @RequestHeader(value = "Content-SHA256", required = false) String sha256,
            @RequestHeader(value = "X-Checksum-Sha256", required = false) String checksum, Actor actor) throws IOException {
        long length = request.getContentLengthLong();
        uploadLimit.checkDeclaredLength(length);
        try (UploadSlots.Slot slot = slots.take(actor); InputStream body = request.getInputStream()) {
            return created(versions.register(name, body, upload(description, tag, sha256, checksum), actor));
        }
    }

    @ProblemCodes({MODEL_NOT_FOUND, INVALID_PAGE_TOKEN})
    @GetMapping
    Page<ModelVersionResponse> list(@PathVariable String name, @RequestParam(required = false) List<String> tag,
            @RequestParam(required = false) Integer pageSize, @RequestParam(required = false) String pageToken, Actor actor) {
        actor.require(Role.VIEWER, Resource.MODEL, name);
        return versions.list(name, TagFilter.parse(tag), paging.of(pageSize, pageToken));
    }

    /** A version by number or alias: {@code …/versions/3} or {@code …/versions/champion}. */
    @ProblemCodes({MODEL_NOT_FOUND, VERSION_NOT_FOUND})
    @GetMapping("/{ref}")
    ModelVersionResponse get(@PathVariable String name, @PathVariable String ref, Actor actor) {
        actor.require(Role.VIEWER, Resource.MODEL, name);
        return versions.get(name, ref);
    }

    @ProblemCodes({MODEL_NOT_FOUND, VERSION_NOT_FOUND})
    @PatchMapping("/{ref}")
    ModelVersionResponse update(@PathVariable String name, @PathVariable String ref,
            @Valid @RequestBody UpdateVersionRequest request, Actor actor) {
        return versions.update(name, ref, request, actor);
    }

    @ProblemCodes({MODEL_NOT_FOUND, VERSION_NOT_FOUND, STORAGE_UNAVAILABLE})
    @ApiResponse(responseCode = "200", description = "the bytes; ETag is the sha-256", content = @Content(
            mediaType = MediaType.APPLICATION_OCTET_STREAM_VALUE, schema = @Schema(type = "string", format = "binary")))
    @ApiResponse(responseCode = "304", description = "If-None-Match named this ETag")
    @GetMapping("/{ref}/artifact")
    ResponseEntity<StreamingResponseBody> artifact(@PathVariable String name, @PathVariable String ref,
            @RequestHeader(value = "If-None-Match", required = false) String ifNoneMatch, Actor actor) throws IOException {
        actor.require(Role.VIEWER, Resource.MODEL, name);
        ArtifactDownload download = versions.download(name, ref);
        String etag = "\"" + download.sha256() + "\"";
        if (etag.equals(ifNoneMatch)) {
            download.content().close();
            return ResponseEntity.status(304).eTag(etag).build();
        }
        StreamingResponseBody body = out -> {
            try (InputStream in = download.content()) {
                in.transferTo(out);
            }
        };
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_OCTET_STREAM)
                .contentLength(download.sizeBytes())
                .eTag(etag)
                .header("Content-Disposition", ContentDisposition.attachment().filename(download.fileName()).build().toString())
                .body(body);
    }

    private static UploadRequest upload(String description, List<String> tags, String sha256, String checksum) {
        return new UploadRequest(description, TagFilter.parse(tags), sha256 != null ? sha256 : checksum);
    }

    private static ResponseEntity<ModelVersionResponse> created(ModelVersionResponse version) {
        return ResponseEntity.created(URI.create("/api/v1/models/" + version.model() + "/versions/" + version.version()))
                .body(version);
    }
}
