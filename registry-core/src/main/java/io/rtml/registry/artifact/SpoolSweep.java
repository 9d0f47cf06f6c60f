package io.rtml.registry.artifact;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Deletes the scratch files a crash left behind: spool files and the servlet container's multipart
 * temp files. An upload in flight deletes its own files when it ends, however it ends, unless the
 * process dies; so on start every file there that was last written before this process started is
 * a leftover. A file written since may belong to another registry sharing the folder, and stays.
 * Also creates both folders, which the container needs before the first multipart upload.
 */
@Component
class SpoolSweep {

    private static final Logger log = LoggerFactory.getLogger(SpoolSweep.class);

    SpoolSweep(UploadProperties properties) {
        Instant started = Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());
        for (Path folder : List.of(properties.spoolDir(), properties.multipartDir())) {
            sweep(folder, FileTime.from(started));
        }
    }

    private static void sweep(Path folder, FileTime started) {
        try {
            Files.createDirectories(folder);
            long deleted = 0;
            long bytes = 0;
            try (Stream<Path> files = Files.list(folder)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    if (Files.getLastModifiedTime(file).compareTo(started) < 0) {
                        bytes += Files.size(file);
                        deleted += Files.deleteIfExists(file) ? 1 : 0;
                    }
                }
            }
            if (deleted > 0) {
                log.warn("deleted {} files ({} bytes) that an earlier run left in {}", deleted, bytes, folder);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the upload folder " + folder, e);
        }
    }
}
