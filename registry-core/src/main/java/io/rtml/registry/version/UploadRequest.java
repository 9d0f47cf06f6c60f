package io.rtml.registry.version;

import io.rtml.problem.NulCharacters;
import java.util.Map;

/**
 * What comes with an upload besides the bytes.
 *
 * @param expectedSha256 hex SHA-256 the client computed, or null; a mismatch refuses the upload. When
 *     given, the bytes go to S3 while they arrive (see {@code ArtifactReceiver})
 */
public record UploadRequest(String description, Map<String, String> tags, String expectedSha256) {

    public UploadRequest {
        description = description == null ? "" : description;
        tags = tags == null ? Map.of() : tags;
        // Form fields of a multipart upload come here unchecked by the JSON reader.
        NulCharacters.refuse("description", description);
        tags.forEach((key, value) -> {
            NulCharacters.refuse("tag", key);
            NulCharacters.refuse("tag", value);
        });
    }
}
