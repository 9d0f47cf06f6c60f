package io.rtml.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One bash process that runs commands one after another, as a person types them into a terminal:
 * variables exported by one command are seen by the next. Each command's output and exit status
 * come back separately.
 */
final class ShellSession implements AutoCloseable {

    /** What one command printed (stdout and stderr together) and its exit status. */
    record Result(int exitStatus, String output) {}

    private static final String END = "__rtml_command_done__";

    private final Process bash;
    private final Writer input;
    private final BufferedReader output;

    ShellSession(Path directory, Map<String, String> environment) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("bash", "--noprofile", "--norc", "-s")
                .directory(directory.toFile())
                .redirectErrorStream(true);
        builder.environment().putAll(environment);
        bash = builder.start();
        input = new OutputStreamWriter(bash.getOutputStream(), StandardCharsets.UTF_8);
        output = new BufferedReader(new InputStreamReader(bash.getInputStream(), StandardCharsets.UTF_8));
    }

    Result run(String command) throws IOException {
        // </dev/null: a command that reads the terminal must not eat the commands that follow it.
        input.write("{\n" + command + "\n} </dev/null\nprintf '\\n" + END + " %s\\n' \"$?\"\n");
        input.flush();
        StringBuilder printed = new StringBuilder();
        for (String line = output.readLine(); line != null; line = output.readLine()) {
            if (line.startsWith(END + " ")) {
                return new Result(Integer.parseInt(line.substring(END.length() + 1).trim()), printed.toString().strip());
            }
            printed.append(line).append('\n');
        }
        throw new IOException("bash exited while running: " + command + "\n" + printed);
    }

    @Override
    public void close() throws InterruptedException {
        bash.destroy();
        bash.waitFor(10, TimeUnit.SECONDS);
    }
}
