package io.bellwether.starter.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.starter.BellwetherCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code bellwether serve} refuses what it cannot use before starting anything. */
class ServeCommandTest {
  @TempDir Path tmp;

  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cmd = BellwetherCli.commandLine(new BellwetherCli((t, n) -> {
      throw new AssertionError("serve must not open the CLI's client");
    }, false));
    cmd.setErr(new PrintWriter(err, true));
    cmd.setOut(new PrintWriter(new StringWriter(), true));
    return cmd.execute(args);
  }

  @Test
  void aMissingConfigFileIsRefused() {
    assertEquals(2, run("serve", "--config", tmp.resolve("nope.yaml").toString()));
    assertTrue(err.toString().contains("cannot read configuration file"), err.toString());
  }

  @Test
  void anArgumentThatIsNotASpringPropertyIsRefused() throws Exception {
    Path config = Files.writeString(tmp.resolve("api.yaml"), "server: {port: 0}\n");
    assertEquals(2, run("serve", "--config", config.toString(), "stray"));
    assertTrue(err.toString().contains("unknown argument 'stray'"), err.toString());
  }
}
