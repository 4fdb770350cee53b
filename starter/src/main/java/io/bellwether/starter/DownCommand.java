package io.bellwether.starter;

import io.bellwether.starter.sandbox.RepoHome;
import io.bellwether.starter.sandbox.Sandbox;
import io.bellwether.starter.sandbox.SandboxOptions;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bellwether down}: stops the sandbox recorded in the directory. */
@Command(name = "down", description = "Stop the local sandbox started by 'up'.")
final class DownCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--dir", description = "Sandbox directory (default: <checkout>/.bellwether/sandbox).")
  Path dir;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path d = dir != null ? BellwetherCli.callerPath(dir) : SandboxOptions.defaultDir(RepoHome.locate());
    if (!Files.isRegularFile(d.resolve(Sandbox.STATE_FILE))) {
      out.println("no sandbox recorded in " + d + "; nothing to stop");
      out.flush();
      return 0;
    }
    Sandbox sandbox = Sandbox.load(d);
    sandbox.down();
    out.println("sandbox in " + d + " stopped (logs kept there)");
    out.flush();
    return 0;
  }
}
