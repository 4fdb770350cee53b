package io.bellwether.starter.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bellwether.activities.identity.Attestations;
import io.bellwether.client.BellwetherClient;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * The API's beans. The configuration is checked first and every problem is reported at once,
 * naming properties and never quoting a secret. The Temporal connection is made lazily, so the API
 * starts (and answers health checks) before Temporal does.
 */
@Configuration
@EnableConfigurationProperties({ApiProperties.class, ChatProperties.class, TemporalProperties.class})
class ApiConfiguration {
  private static final Logger log = LoggerFactory.getLogger(ApiConfiguration.class);

  ApiConfiguration(ApiProperties api, ChatProperties chat, Environment env) {
    List<String> problems = problems(api, chat);
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "the API configuration has " + problems.size() + " problem(s):\n  - " + String.join("\n  - ", problems));
    }
    boolean jwt = env.containsProperty("spring.security.oauth2.resourceserver.jwt.issuer-uri")
        || env.containsProperty("spring.security.oauth2.resourceserver.jwt.jwk-set-uri")
        || env.containsProperty("spring.security.oauth2.resourceserver.jwt.public-key-location");
    if (api.tokens().isEmpty() && !jwt) {
      log.warn("no bellwether.api.tokens and no JWT issuer configured: every /api/v1/runs call will get 401");
    }
    if (api.identity() == null || !api.identity().configured()) {
      log.warn("no bellwether.api.identity: controls carry no attestation, so gates that require a verified identity refuse them");
    }
  }

  static List<String> problems(ApiProperties api, ChatProperties chat) {
    List<String> problems = new ArrayList<>(HashedTokenIntrospector.problems(api.tokens()));
    if (api.maxBodyBytes() < 1) {
      problems.add("bellwether.api.max-body-bytes must be at least 1");
    }
    if (!(api.rateLimit().requestsPerSecond() > 0)) {
      problems.add("bellwether.api.rate-limit.requests-per-second must be above 0");
    }
    if (api.rateLimit().burst() < 1) {
      problems.add("bellwether.api.rate-limit.burst must be at least 1");
    }
    ApiProperties.Identity id = api.identity();
    if (id != null && (id.keyId() != null || id.key() != null)) {
      if (!Attestations.isValidKeyId(id.keyId())) {
        problems.add("bellwether.api.identity.key-id must be letters, digits, _ or - (up to 64)");
      }
      if (id.key() == null || id.key().isEmpty()) {
        problems.add("bellwether.api.identity.key is required with a key-id");
      }
    }
    chat.users().forEach((chatUser, u) -> {
      String at = "bellwether.chat.users." + chatUser;
      if (u.user() == null || u.user().isBlank()) {
        problems.add(at + ".user is required");
      }
      for (String r : u.roles()) {
        if (!Roles.ALL.contains(Roles.normalise(r))) {
          problems.add(at + ".roles: unknown role '" + r + "' (known: " + Roles.ALL + ")");
        }
      }
    });
    return problems;
  }

  @Bean(destroyMethod = "close")
  BellwetherClient bellwetherClient(TemporalProperties temporal) {
    return BellwetherClient.connect(temporal.address(), temporal.namespace());
  }

  @Bean
  RunStates runStates(BellwetherClient client) {
    return RunStates.of(client);
  }

  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }

  @Bean
  RateLimiter rateLimiter(ApiProperties api) {
    return new RateLimiter(api.rateLimit().requestsPerSecond(), api.rateLimit().burst(), System::nanoTime);
  }

  @Bean
  IdempotencyStore idempotencyStore(Clock clock) {
    return new IdempotencyStore(clock);
  }

  @Bean(destroyMethod = "close")
  RunEventStreams runEventStreams(BellwetherClient client, RunStates states, ObjectMapper json) {
    return new RunEventStreams(client, states, json, Duration.ofMillis(500));
  }

  /** Before Spring Security and everything else that could read a body. */
  @Bean
  FilterRegistrationBean<BodyLimitFilter> bodyLimitFilter(ApiProperties api) {
    FilterRegistrationBean<BodyLimitFilter> r = new FilterRegistrationBean<>(new BodyLimitFilter(api.maxBodyBytes()));
    r.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
    r.addUrlPatterns("/*");
    return r;
  }

  @Bean
  OpenAPI openApi() {
    return new OpenAPI()
        .info(new Info()
            .title("Bellwether operator API")
            .version("v1")
            .description("Start, read, list and steer Bellwether runs. See docs/api.md."))
        .components(new Components().addSecuritySchemes("bearer",
            new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                .description("An opaque token configured under bellwether.api.tokens, or a JWT from the configured issuer")))
        .addSecurityItem(new SecurityRequirement().addList("bearer"));
  }
}
