package io.bellwether.demo.chaos;

import io.bellwether.demo.DemoOptions;
import io.bellwether.demo.Release;
import io.bellwether.demo.ReleaseCatalog;
import io.bellwether.demo.RunningServer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

/**
 * The demo service as a Spring Boot web app that embeds Chaos Monkey for Spring Boot: the same
 * endpoints as {@link io.bellwether.demo.DemoServer}, the same release behaviour, on the same
 * address, plus {@code /actuator/chaosmonkey} ({@code enable}, {@code disable}, {@code assaults},
 * {@code watchers}, {@code status}). Chaos Monkey starts disabled with no assault active, watching
 * {@link TrafficController} only, so an instance answers like a plain one until someone switches an
 * assault on.
 *
 * <p>Only {@code --chaos-monkey} starts it (through {@code ChaosMonkeyMode}, which finds Spring):
 * Spring takes a few seconds to start where the plain server takes a fraction of one, and tests
 * restart instances often.
 */
public final class ChaosMonkeyServer implements AutoCloseable, RunningServer {
  /** Where the actuator serves Chaos Monkey's endpoints. */
  public static final String ENDPOINT = "/actuator/chaosmonkey";

  private final ConfigurableApplicationContext context;
  private final DemoBehaviour demo;
  private final String host;
  private final int port;

  private ChaosMonkeyServer(
      ConfigurableApplicationContext context, DemoBehaviour demo, String host, int port) {
    this.context = context;
    this.demo = demo;
    this.host = host;
    this.port = port;
  }

  /** The Spring configuration: auto-configuration plus the demo's own beans, no scanning. */
  @SpringBootConfiguration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  @Import({
    TrafficController.class,
    OpsController.class,
    AssaultAnswers.class,
    RequestMetricsFilter.class
  })
  static class Application {}

  /**
   * Starts Spring and returns once it serves. The release is the catalog's entry for the version
   * with the options' overrides applied. Throws a {@link RuntimeException} (Spring's) when the
   * address cannot be bound or the context fails to start; nothing is left running then.
   */
  public static ChaosMonkeyServer start(DemoOptions options, ReleaseCatalog catalog) {
    Release release =
        catalog
            .lookup(options.version())
            .with(
                options.errorRate(),
                options.latencyMs(),
                options.unhealthy(),
                options.conversionRate());
    DemoBehaviour demo = new DemoBehaviour(release, options.instance(), options.seed());
    SpringApplication app = new SpringApplication(Application.class);
    app.setBannerMode(Banner.Mode.OFF);
    app.setLogStartupInfo(false);
    // The caller stops the context (DemoApp's hook, or a test); a second hook would race it.
    app.setRegisterShutdownHook(false);
    // Chaos Monkey loads only under this profile.
    app.setAdditionalProfiles("chaos-monkey");
    app.setDefaultProperties(properties(options));
    app.addInitializers(ctx -> ctx.getBeanFactory().registerSingleton("demoBehaviour", demo));
    // No command-line arguments: the demo's own flags are not Spring properties.
    ConfigurableApplicationContext context = app.run();
    int port = ((WebServerApplicationContext) context).getWebServer().getPort();
    return new ChaosMonkeyServer(context, demo, options.host(), port);
  }

  /** Starts with the built-in catalog. */
  public static ChaosMonkeyServer start(DemoOptions options) {
    return start(options, ReleaseCatalog.builtIn());
  }

  static Map<String, Object> properties(DemoOptions options) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("server.address", options.host());
    p.put("server.port", options.port());
    p.put("server.tomcat.threads.max", options.threads());
    p.put("server.tomcat.threads.min-spare", Math.min(4, options.threads()));
    p.put("server.shutdown", "graceful");
    p.put("spring.lifecycle.timeout-per-shutdown-phase", options.shutdownGrace().toMillis() + "ms");
    p.put("spring.jmx.enabled", false);
    // Standard output carries the start line; Spring says only what goes wrong.
    p.put("logging.level.root", "WARN");
    // Chaos Monkey's beans trip Spring's post-processor check at every start, and its gauges are
    // registered again at every assault; neither is a problem of the instance.
    // Brackets keep the '$' of the nested class's logger name, which binding would drop.
    p.put(
        "logging.level[org.springframework.context.support.PostProcessorRegistrationDelegate"
            + "$BeanPostProcessorChecker]",
        "ERROR");
    p.put("logging.level.io.micrometer.core.instrument.MeterRegistry", "ERROR");
    p.put("management.endpoints.web.exposure.include", "chaosmonkey");
    p.put("management.endpoints.jmx.exposure.exclude", "*");
    p.put("management.endpoint.chaosmonkey.access", "unrestricted");
    p.put("chaos.monkey.enabled", false);
    p.put("chaos.monkey.watcher.rest-controller", true);
    p.put("chaos.monkey.watcher.exclude-classes", OpsController.class.getName());
    p.put("chaos.monkey.assaults.level", 1);
    p.put("chaos.monkey.assaults.deterministic", true);
    p.put("chaos.monkey.assaults.latency-active", false);
    p.put("chaos.monkey.assaults.exceptions-active", false);
    p.put("chaos.monkey.assaults.kill-application-active", false);
    p.put("chaos.monkey.assaults.memory-active", false);
    p.put("chaos.monkey.assaults.cpu-active", false);
    return p;
  }

  /** The bound port (useful with port 0). */
  @Override
  public int port() {
    return port;
  }

  /** The bound host address. */
  @Override
  public String host() {
    return host;
  }

  /** The behaviour in force, after overrides. */
  @Override
  public Release release() {
    return demo.release();
  }

  /**
   * Marks the instance unhealthy, then stops Spring: the listener closes, in-flight requests get up
   * to the shutdown grace. Idempotent.
   */
  @Override
  public void stop() {
    demo.stopping();
    if (context.isActive()) {
      context.close();
    }
  }

  @Override
  public void close() {
    stop();
  }
}
