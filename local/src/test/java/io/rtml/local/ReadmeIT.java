package io.rtml.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.local.Readme.Command;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Every command of README.md, run in order in one bash session against the stack that the
 * README's run command ({@code bin/rtml-local}) started. The only liberties taken: the stack
 * listens on free ports and keeps its data in a temporary folder, so the README's
 * {@code 127.0.0.1:8080}, {@code :8090–8092} and {@code .rtml/} are rewritten to those; and
 * between commands the test waits for a deployment the last command started, as a reader would.
 */
class ReadmeIT {

    /** A curl that starts a deployment or rollback (the CLI's deploy and rollback wait by themselves). */
    private static final Pattern STARTS_DEPLOYMENT = Pattern.compile("-X POST \\S+/(deployments|rollback)\\s");
    private static final Pattern PROBLEM = Pattern.compile("\"status\"\\s*:\\s*[45]\\d\\d|\\{\"error\"");

    private final LocalStackProcess stack = LocalStackProcess.shared();
    private final StackApi api = new StackApi(stack);

    @Test
    void setUpHasExactlyTheRunAndTestCommands() {
        List<String> setUp = Readme.commands(LocalStackProcess.REPO.resolve("README.md")).stream()
                .filter(c -> c.section().equals("Set up")).map(c -> c.text().replaceAll("\\s+#.*", "")).toList();

        // The first is what LocalStackProcess runs; the second is the build that runs this test.
        assertThat(setUp).containsExactly("bin/rtml-local", "./mvnw verify");
        assertThat(stack.output()).contains("rtml is running", "gallery", "admin token", "edge-eu", "edge-us");
    }

    @Test
    void walkthroughRunsAsWritten() throws Exception {
        List<Command> commands = Readme.commands(LocalStackProcess.REPO.resolve("README.md")).stream()
                .filter(c -> !c.section().equals("Set up")).toList();
        assertThat(commands).hasSizeGreaterThan(15);
        Map<String, Consumer<String>> checks = expectations();
        List<String> checked = new ArrayList<>();

        try (ShellSession shell = new ShellSession(LocalStackProcess.REPO, Map.of(
                "XDG_CONFIG_HOME", Files.createTempDirectory("rtml-cli-config").toString()))) {
            for (Command command : commands) {
                String text = localise(command.text());
                ShellSession.Result result = shell.run(text);
                assertThat(result.exitStatus()).as("exit status of\n%s\nprinted:\n%s", text, result.output()).isZero();
                assertThat(result.output()).as("output of\n%s", text).doesNotContainPattern(PROBLEM);
                for (Map.Entry<String, Consumer<String>> check : checks.entrySet()) {
                    if ((command.text() + "\n").contains(check.getKey())) {
                        check.getValue().accept(result.output());
                        checked.add(check.getKey());
                    }
                }
                if (STARTS_DEPLOYMENT.matcher(command.text()).find()) {
                    assertThat(api.settledDeployment("survival").get("status").asString()).as(text).isEqualTo("SUCCEEDED");
                }
            }
        }
        assertThat(checked).as("README commands this test knows how to check").containsAll(checks.keySet());
        assertThat(api.servedByEveryNode("survival",
                "{\"records\":[{\"pclass\":\"3\",\"sex\":\"male\",\"age\":40,\"fare\":7.9,\"embarked\":\"S\"}]}")).as("after the CLI's rollback from v3").containsOnly("1");
    }

    /** What a command prints, keyed by a piece of its text (as written in the README). */
    private Map<String, Consumer<String>> expectations() {
        Map<String, Consumer<String>> checks = new LinkedHashMap<>();
        checks.put("-d '{\"name\":\"titanic\"", out -> assertThat(json(out).get("name").asString()).isEqualTo("titanic"));
        checks.put("versions?description=first", out -> assertThat(json(out).get("version").asInt()).isEqualTo(1));
        checks.put("$RTML/api/v1/models/titanic/versions/1", out -> assertThat(json(out).get("signature").get("inputs").size()).isEqualTo(5));
        checks.put("-F description=retrained", out -> assertThat(json(out).get("version").asInt()).isEqualTo(2));
        checks.put("-d '{\"name\":\"survival\"", out -> assertThat(json(out).get("model").asString()).isEqualTo("titanic"));
        checks.put("$RTML/api/v1/services/survival\n", out -> assertThat(json(out).get("name").asString()).isEqualTo("survival"));
        checks.put("/v1/services/survival/predict", out -> {
            assertThat(json(out).get("version").asInt()).isEqualTo(1);
            assertThat(json(out).get("predictions")).hasSize(1);
        });
        checks.put("/v2/models/survival/infer", out -> assertThat(json(out).get("outputs").size()).isPositive());
        checks.put("$RTML/api/v1/services/survival/deployments\n",
                out -> assertThat(json(out).get("items").get(0).get("kind").asString()).isEqualTo("ROLLBACK"));
        checks.put("bin/rtml versions upload", out -> assertThat(out).contains("Uploaded titanic version 3"));
        checks.put("bin/rtml deploy survival 3", out -> assertThat(out).contains("SUCCEEDED"));
        checks.put("bin/rtml predict", out -> assertThat(out).contains("survival version 3 on edge-eu"));
        checks.put("bin/rtml rollback", out -> assertThat(out).contains("SUCCEEDED"));
        checks.put("bin/rtml services list", out -> assertThat(out).contains("survival"));
        checks.put("\"name\":\"team-a-ci\"", out -> assertThat(json(out).get("secret").asString()).startsWith("rtml_"));
        checks.put("\"name\":\"team-a-cd\"", out -> assertThat(json(out).get("token").get("scopes").toString())
                .contains("service:team-a.*", "model:team-a.*"));
        return checks;
    }

    private JsonNode json(String output) {
        return api.parse(output);
    }


    /** The README's fixed ports and data folder, pointed at this test's stack. */
    private String localise(String command) {
        String text = command.replace("127.0.0.1:8080", "127.0.0.1:" + stack.registryPort)
                .replace(".rtml/", stack.home + "/");
        for (int node = 0; node < 3; node++) {
            text = text.replace("127.0.0.1:" + (8090 + node), "127.0.0.1:" + (stack.firstNodePort + node));
        }
        return text;
    }
}
