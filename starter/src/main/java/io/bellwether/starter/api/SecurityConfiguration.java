package io.bellwether.starter.api;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationManagerResolver;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.authentication.OpaqueTokenAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * Who may call what. Bearer tokens are either opaque (checked against the configured hashes) or,
 * when {@code spring.security.oauth2.resourceserver.jwt.issuer-uri} or {@code jwk-set-uri} is set,
 * JWTs from that issuer; a token with a JWT's shape goes to the JWT decoder, any other to the hash
 * check, so CI tokens and OIDC users work side by side. Roles are checked by request matchers
 * built from {@link Roles}, so the rule book lives in one place. The chat endpoints carry no
 * bearer token: they are verified by their signature instead. 401 and 403 are problems.
 */
@Configuration
@EnableWebSecurity
class SecurityConfiguration {

  @Bean
  HashedTokenIntrospector opaqueTokenIntrospector(ApiProperties props) {
    return new HashedTokenIntrospector(props.tokens());
  }

  @Bean
  SecurityFilterChain api(
      HttpSecurity http,
      ApiProperties props,
      HashedTokenIntrospector introspector,
      ObjectProvider<JwtDecoder> jwtDecoder,
      RateLimiter limiter)
      throws Exception {
    AuthenticationManager opaque = new ProviderManager(new OpaqueTokenAuthenticationProvider(introspector));
    JwtDecoder decoder = jwtDecoder.getIfAvailable();
    AuthenticationManager jwt = null;
    if (decoder != null) {
      JwtAuthenticationProvider provider = new JwtAuthenticationProvider(decoder);
      provider.setJwtAuthenticationConverter(new JwtCallerConverter(props.oidc()));
      jwt = new ProviderManager(provider);
    }
    AuthenticationManager jwtManager = jwt;
    BearerTokenResolver tokens = new DefaultBearerTokenResolver();
    AuthenticationManagerResolver<HttpServletRequest> managers = request -> {
      String token = tokens.resolve(request);
      return jwtManager != null && token != null && looksLikeJwt(token) ? jwtManager : opaque;
    };
    AuthenticationEntryPoint unauthorized = new ProblemEntryPoint(limiter);
    AccessDeniedHandler forbidden = (request, response, e) -> forbidden(request, response);

    http.csrf(AbstractHttpConfigurer::disable)
        .httpBasic(AbstractHttpConfigurer::disable)
        .formLogin(AbstractHttpConfigurer::disable)
        .logout(AbstractHttpConfigurer::disable)
        .requestCache(AbstractHttpConfigurer::disable)
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .authorizeHttpRequests(a -> {
          // The original request was authorised; its async (events) and error dispatches follow.
          a.dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR).permitAll();
          a.requestMatchers("/error", "/v3/api-docs", "/v3/api-docs/**", "/v3/api-docs.yaml",
              "/swagger-ui.html", "/swagger-ui/**", "/actuator/health", "/actuator/health/**").permitAll();
          a.requestMatchers(HttpMethod.POST, ChatController.PATH + "/interactions", ChatController.PATH + "/commands")
              .permitAll();
          a.requestMatchers(HttpMethod.GET, RunsController.PATH, RunsController.PATH + "/*",
              RunsController.PATH + "/*/events", RunsController.PATH + "/*/report").hasAnyRole(roles(Roles.READ));
          a.requestMatchers(HttpMethod.POST, RunsController.PATH).hasAnyRole(roles(Roles.START));
          for (String c : Roles.CONTROLS) {
            a.requestMatchers(HttpMethod.POST, RunsController.PATH + "/*/" + c).hasAnyRole(roles(c));
          }
          a.anyRequest().authenticated();
        })
        .oauth2ResourceServer(o -> o
            .authenticationManagerResolver(managers)
            .authenticationEntryPoint(unauthorized)
            .accessDeniedHandler(forbidden))
        .exceptionHandling(e -> e.authenticationEntryPoint(unauthorized).accessDeniedHandler(forbidden))
        .addFilterAfter(new RateLimitFilter(limiter), BearerTokenAuthenticationFilter.class);
    return http.build();
  }

  private static String[] roles(String what) {
    return Roles.allowedFor(what).toArray(String[]::new);
  }

  /** Three base64url parts: a JWS. Opaque tokens are never given that shape by us. */
  static boolean looksLikeJwt(String token) {
    return token.chars().filter(c -> c == '.').count() == 2;
  }

  private static void forbidden(HttpServletRequest request, HttpServletResponse response) throws IOException {
    Problems.write(response, HttpStatus.FORBIDDEN, Problems.FORBIDDEN,
        "the caller's roles do not allow this; it needs the role "
            + String.join(" or ", Roles.allowedFor(needed(request))));
  }

  /** What a request asks to do, in {@link Roles}' terms. */
  static String needed(HttpServletRequest request) {
    String path = request.getRequestURI();
    if (!"POST".equals(request.getMethod())) {
      return Roles.READ;
    }
    if (path.equals(RunsController.PATH) || path.equals(RunsController.PATH + "/")) {
      return Roles.START;
    }
    String last = path.substring(path.lastIndexOf('/') + 1);
    return Roles.CONTROLS.contains(last) ? last : Roles.READ;
  }

  /**
   * 401 as a problem, with the {@code WWW-Authenticate: Bearer} challenge Spring's entry point
   * writes. A presented token that fails counts against the caller's address, so guessing tokens
   * meets the rate limit (429) too.
   */
  static final class ProblemEntryPoint implements AuthenticationEntryPoint {
    private final BearerTokenAuthenticationEntryPoint bearer = new BearerTokenAuthenticationEntryPoint();
    private final RateLimiter limiter;

    ProblemEntryPoint(RateLimiter limiter) {
      this.limiter = limiter;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
        throws IOException {
      boolean presented = e instanceof OAuth2AuthenticationException;
      if (presented) {
        long retryAfter = limiter.acquire("ip:" + request.getRemoteAddr());
        if (retryAfter > 0) {
          RateLimitFilter.tooMany(response, retryAfter);
          return;
        }
      }
      bearer.commence(request, response, e);
      Problems.write(response, HttpStatus.UNAUTHORIZED, Problems.UNAUTHORIZED,
          presented ? "the bearer token is invalid, unknown or expired" : "a bearer token is required");
    }
  }
}
