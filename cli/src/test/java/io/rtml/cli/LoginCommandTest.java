package io.rtml.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoginCommandTest {

    @TempDir
    Path home;

    @Test
    void loginSavesUrlAndTokenOwnerOnlyAndLaterCommandsUseThem() throws Exception {
        Cli cli = new Cli(home);

        Cli.Result login = cli.run("login", "--url", RunningRegistry.url(), "--token", RunningRegistry.ADMIN_TOKEN);

        assertThat(login.exitCode()).as(login.toString()).isZero();
        Path file = home.resolve("xdg/rtml/config.json");
        assertThat(login.out()).contains("Logged in to " + RunningRegistry.url()).contains(file.toString());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
        assertThat(Json.parse(Files.readString(file), "config").path("token").asString())
                .isEqualTo(RunningRegistry.ADMIN_TOKEN);

        Cli.Result list = cli.run("models", "list");
        assertThat(list.exitCode()).as(list.toString()).isZero();
        assertThat(list.out()).startsWith("NAME");
    }

    @Test
    void withoutXdgConfigHomeTheFileGoesUnderHomeDotConfig() {
        Cli cli = new Cli(home).env("XDG_CONFIG_HOME", "");

        Cli.Result login = cli.run("login", "--url", RunningRegistry.url(), "--token", RunningRegistry.ADMIN_TOKEN);

        assertThat(login.exitCode()).as(login.toString()).isZero();
        assertThat(home.resolve(".config/rtml/config.json")).isRegularFile();
    }

    @Test
    void aWrongTokenIsRefusedWithExitCode5AndNothingIsSaved() {
        Cli.Result login = new Cli(home).run("login", "--url", RunningRegistry.url(), "--token", "not-a-real-token-0000000");

        assertThat(login.exitCode()).as(login.toString()).isEqualTo(ExitCodes.AUTH);
        assertThat(login.err()).startsWith("rtml: ").contains("(UNAUTHENTICATED)").doesNotContain("Exception");
        assertThat(login.err().lines()).hasSize(1);
        assertThat(home.resolve("xdg/rtml/config.json")).doesNotExist();
    }

    @Test
    void flagBeatsEnvironmentAndEnvironmentBeatsSavedLogin() {
        String unreachable = "http://127.0.0.1:9";
        Cli cli = new Cli(home);
        assertThat(cli.run("login", "--no-verify", "--url", unreachable, "--token", "saved-token-000000000000").exitCode())
                .isZero();

        Cli.Result fromConfig = cli.run("models", "list");
        assertThat(fromConfig.exitCode()).as(fromConfig.toString()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(fromConfig.err()).startsWith("rtml: cannot reach the registry at " + unreachable);

        cli.env("RTML_URL", RunningRegistry.url()).env("RTML_TOKEN", RunningRegistry.ADMIN_TOKEN);
        assertThat(cli.run("models", "list").exitCode()).isZero();

        Cli.Result flagWins = cli.run("models", "list", "--token", "wrong-token-from-flag-00000");
        assertThat(flagWins.exitCode()).as(flagWins.toString()).isEqualTo(ExitCodes.AUTH);
    }

    @Test
    void withoutAnyUrlTheCommandSaysHowToGiveOne() {
        Cli.Result result = new Cli(home).run("models", "list");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).isEqualTo("rtml: no registry URL: pass --url, set RTML_URL or run 'rtml login'\n");
    }
}
