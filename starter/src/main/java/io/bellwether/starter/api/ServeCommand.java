package io.bellwether.starter.api;

import io.bellwether.starter.BellwetherCli;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code bellwether serve --config FILE}: runs the operator API until stopped (SIGTERM or Ctrl-C
 * close it gracefully). Each FILE is a Spring Boot YAML or properties file added to the
 * configuration ({@code spring.config.additional-location}); later files win. A file may import
 * more, such as a {@code configtree:} directory of secrets, with {@code spring.config.import}.
 */
@Command(
    name = "serve",
    description = {
      "Run the operator REST API and chat endpoints (default 127.0.0.1:8088; see docs/api.md).",
      "Other --name=value arguments are Spring Boot properties, such as --server.port=0."
    })
public final class ServeCommand implements Callable<Integer> {
  @ParentCommand BellwetherCli root;
  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Configuration file (YAML or .properties); repeat for several, later ones win.")
  List<Path> configs = new ArrayList<>();

  @Unmatched List<String> springArgs = new ArrayList<>();

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    Map<String, Object> props = new LinkedHashMap<>();
    List<String> locations = new ArrayList<>();
    for (Path p : configs) {
      Path file = BellwetherCli.callerPath(p).toAbsolutePath();
      if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
        err.println("error: cannot read configuration file " + file);
        err.flush();
        return 2;
      }
      locations.add("file:" + file);
    }
    if (!locations.isEmpty()) {
      props.put("spring.config.additional-location", String.join(",", locations));
    }
    // Typed on this command line: they win over the files, like any command-line setting.
    if (given("--temporal")) {
      props.put("bellwether.temporal.address", root.temporal());
    }
    if (given("--namespace")) {
      props.put("bellwether.temporal.namespace", root.namespace());
    }
    for (String a : springArgs) {
      if (!a.startsWith("--") || !a.contains("=")) {
        err.println("error: unknown argument '" + a + "'; Spring properties are given as --name=value");
        err.flush();
        return 2;
      }
    }
    ConfigurableApplicationContext context = ApiApplication.start(props, springArgs.toArray(String[]::new));
    CountDownLatch closed = new CountDownLatch(1);
    context.addApplicationListener(e -> {
      if (e instanceof ContextClosedEvent) {
        closed.countDown();
      }
    });
    if (context.isActive()) {
      closed.await();
    }
    return 0;
  }

  private boolean given(String option) {
    for (picocli.CommandLine c = spec.commandLine(); c != null; c = c.getParent()) {
      if (c.getParseResult() != null && c.getParseResult().hasMatchedOption(option)) {
        return true;
      }
    }
    return false;
  }
}
