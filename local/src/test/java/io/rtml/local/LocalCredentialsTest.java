package io.rtml.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 item 4: the embedded stack's S3 keys are made per data folder like the admin token, and
 * the admin token is printed only on the start that created it.
 */
class LocalCredentialsTest {

    @TempDir
    Path first;

    @TempDir
    Path second;

    @Test
    void everyDataFolderGetsItsOwnS3KeysKeptForItsNextStart() throws Exception {
        LocalCredentials one = LocalCredentials.of(first);
        LocalCredentials other = LocalCredentials.of(second);

        assertThat(one.s3AccessKey()).isNotEqualTo(other.s3AccessKey()).isNotEqualTo("rtml-local").hasSizeGreaterThan(20);
        assertThat(one.s3SecretKey()).isNotEqualTo(other.s3SecretKey()).isNotEqualTo("rtml-local-secret");
        assertThat(LocalCredentials.of(first)).usingRecursiveComparison().ignoringFields("adminTokenCreated")
                .isEqualTo(one);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(first.resolve("s3-secret-key"))))
                .isEqualTo("rw-------");
        assertThat(one.toString()).doesNotContain(one.s3SecretKey(), one.adminToken());
    }

    @Test
    void theAdminTokenIsPrintedOnlyOnTheStartThatCreatedIt() throws Exception {
        LocalCredentials firstStart = LocalCredentials.of(first);
        LocalCredentials nextStart = LocalCredentials.of(first);

        assertThat(firstStart.adminTokenLine(first)).startsWith("  admin token").contains(firstStart.adminToken());
        assertThat(nextStart.adminToken()).isEqualTo(firstStart.adminToken());
        assertThat(nextStart.adminTokenLine(first)).startsWith("  admin token").doesNotContain(nextStart.adminToken())
                .contains(first.resolve("admin-token").toString());
    }
}
