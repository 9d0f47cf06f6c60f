package io.rtml.cli;

import static io.rtml.cli.RegistryClient.query;
import static io.rtml.cli.RegistryClient.segment;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code rtml versions upload|list|show}. */
@Command(name = "versions", mixinStandardHelpOptions = true, description = "Upload, list and show model versions.",
        subcommands = {VersionsCommand.Upload.class, VersionsCommand.ListVersions.class, VersionsCommand.Show.class})
final class VersionsCommand {

    @Command(name = "upload", mixinStandardHelpOptions = true,
            description = "Upload an ONNX file as the model's next version (checksum sent, verified by the registry).")
    static final class Upload extends ApiCommand {

        @Parameters(index = "0", paramLabel = "MODEL")
        String model;

        @Parameters(index = "1", paramLabel = "FILE")
        Path file;

        @Option(names = "--description", paramLabel = "TEXT")
        String description;

        @Option(names = "--tag", paramLabel = "KEY:VALUE", description = "A tag; repeat for more.")
        List<String> tags = new ArrayList<>();

        @Override
        int run() throws IOException {
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                throw CliException.usage("cannot read file " + file);
            }
            RegistryClient client = client();
            long size = Files.size(file);
            String sha256 = sha256(file);
            UploadProgress progress = new UploadProgress(err(), environment().terminal() && !json(),
                    file.getFileName().toString(), size);
            progress.start();
            String path = "/api/v1/models/" + segment(model) + "/versions"
                    + query("description", description, "tag", ModelsCommand.tagFilters(tags));
            JsonNode version;
            try {
                version = client.upload(path, () -> progress.track(open(file)), size, sha256).json();
            } finally {
                progress.sent();
            }
            if (json()) {
                printJson(version);
            } else {
                out().println("Uploaded " + Json.text(version, "model") + " version " + Json.text(version, "version")
                        + " (" + Table.bytes(Json.wholeNumber(version, "sizeBytes", 0)) + ", sha256 " + sha256 + ")");
            }
            return ExitCodes.OK;
        }

        private static InputStream open(Path file) {
            try {
                return Files.newInputStream(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        static String sha256(Path file) throws IOException {
            try (InputStream in = Files.newInputStream(file)) {
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    digest.update(buffer, 0, n);
                }
                return HexFormat.of().formatHex(digest.digest());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has SHA-256", e);
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List a model's versions, newest first.")
    static final class ListVersions extends ApiCommand {

        @Parameters(paramLabel = "MODEL")
        String model;

        @Override
        int run() {
            JsonNode page = client().getAllPages("/api/v1/models/" + segment(model) + "/versions");
            if (json()) {
                printJson(page);
                return ExitCodes.OK;
            }
            Table table = new Table("VERSION", "ALIASES", "SIZE", "SHA256", "CREATED", "DESCRIPTION");
            for (JsonNode v : page.path("items")) {
                table.row(Json.text(v, "version"), String.join(", ", strings(v.path("aliases"))),
                        Table.bytes(Json.wholeNumber(v, "sizeBytes", 0)), abbreviate(v.path("sha256").asString("")),
                        Json.text(v, "createdAt"), Json.text(v, "description"));
            }
            table.print(out());
            return ExitCodes.OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a version and its signature.")
    static final class Show extends ApiCommand {

        @Parameters(index = "0", paramLabel = "MODEL")
        String model;

        @Parameters(index = "1", paramLabel = "VERSION|ALIAS")
        String ref;

        @Override
        int run() {
            JsonNode v = client().get("/api/v1/models/" + segment(model) + "/versions/" + segment(ref));
            if (json()) {
                printJson(v);
                return ExitCodes.OK;
            }
            Table fields = new Table("FIELD", "VALUE");
            for (String field : List.of("model", "version", "description", "sha256", "createdAt", "createdBy")) {
                fields.row(field, Json.text(v, field));
            }
            fields.row("size", Table.bytes(Json.wholeNumber(v, "sizeBytes", 0)));
            fields.row("aliases", String.join(", ", strings(v.path("aliases"))));
            fields.row("tags", ModelsCommand.pairs(v.path("tags"), "="));
            JsonNode signature = v.path("signature");
            fields.row("producer", (Json.text(signature, "producerName") + " " + Json.text(signature, "producerVersion")));
            fields.print(out());
            out().println();
            Table io = new Table("IO", "NAME", "TYPE", "SHAPE");
            for (String kind : List.of("inputs", "outputs")) {
                for (JsonNode value : signature.path(kind)) {
                    io.row(kind.substring(0, kind.length() - 1), Json.text(value, "name"),
                            value.path("datatype").isString() ? value.path("datatype").asString() : Json.text(value, "onnxType"),
                            shape(value.path("shape")));
                }
            }
            io.print(out());
            return ExitCodes.OK;
        }
    }

    /** {@code [?, 1]}: an unknown dimension is {@code ?}, a symbolic one keeps its name. */
    private static String shape(JsonNode dims) {
        if (!dims.isArray()) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        dims.forEach(d -> parts.add(d.isNull() ? "?" : d.asString()));
        return "[" + String.join(", ", parts) + "]";
    }

    private static String abbreviate(String sha256) {
        return sha256.length() > 12 ? sha256.substring(0, 12) : sha256;
    }

    static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(n -> values.add(n.asString()));
        return values;
    }
}
