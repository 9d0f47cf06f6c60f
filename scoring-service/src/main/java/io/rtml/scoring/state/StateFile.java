package io.rtml.scoring.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The node's own state file ({@code state.json} in the data dir). Written to a temporary file,
 * forced to disk and renamed over the old one, so a crash leaves either the old or the new state,
 * never a torn file.
 */
public final class StateFile {

    private static final Logger log = LoggerFactory.getLogger(StateFile.class);
    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private final Path file;

    public StateFile(Path dataDir) {
        this.file = dataDir.resolve("state.json");
    }

    public Path path() {
        return file;
    }

    public NodeState read() {
        if (!Files.exists(file)) {
            return NodeState.empty();
        }
        try {
            NodeState state = JSON.readValue(file.toFile(), NodeState.class);
            return state.services() == null ? NodeState.empty() : state;
        } catch (JacksonException e) {
            // Never refuse to start over a bad state file: start empty and let the deployer reconcile.
            log.error("state file {} is unreadable, starting empty: {}", file, e.getOriginalMessage());
            return NodeState.empty();
        }
    }

    public synchronized void write(NodeState state) {
        try {
            Files.createDirectories(file.getParent());
            Path temp = Files.createTempFile(file.getParent(), "state", ".tmp");
            try {
                Files.write(temp, JSON.writeValueAsBytes(state));
                try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write state file " + file, e);
        }
    }
}
