package io.bellwether.starter.api;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.PropertySource;

/**
 * The operator API as a Spring Boot application: REST under {@code /api/v1}, the chat endpoints,
 * the OpenAPI document and {@code /actuator/health}. Started by {@code bellwether serve}. Its
 * defaults (127.0.0.1:8088, problem details, no stack traces, health only) are in {@code
 * bellwether-api-defaults.properties}, below any configuration file.
 */
@SpringBootApplication
@PropertySource("classpath:bellwether-api-defaults.properties")
public class ApiApplication {
  /** Settings that must be known before the configuration files are read. */
  static final Map<String, Object> EARLY_DEFAULTS =
      Map.of(
          "logging.config", "classpath:logback-serve.xml",
          "spring.main.banner-mode", "off");

  /**
   * Starts the API and returns its running context; {@code args} are Spring Boot arguments such
   * as {@code --server.port=0}. Throws when the configuration is invalid or the port is taken.
   */
  public static ConfigurableApplicationContext start(Map<String, Object> properties, String... args) {
    SpringApplication app = new SpringApplication(ApiApplication.class);
    app.setDefaultProperties(EARLY_DEFAULTS);
    // Otherwise the log names the CLI's class, which called us.
    app.setMainApplicationClass(ApiApplication.class);
    app.setRegisterShutdownHook(true);
    // As command-line arguments: above the configuration files, like anything typed at start.
    return app.run(withProperties(properties, args));
  }

  private static String[] withProperties(Map<String, Object> properties, String... args) {
    String[] out = new String[properties.size() + args.length];
    int i = 0;
    for (Map.Entry<String, Object> e : properties.entrySet()) {
      out[i++] = "--" + e.getKey() + "=" + e.getValue();
    }
    System.arraycopy(args, 0, out, i, args.length);
    return out;
  }
}
