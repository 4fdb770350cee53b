package io.bellwether.starter.api;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal;

/**
 * Who is calling, as the API's rules need it.
 *
 * @param user the Bellwether user: {@code by} in controls and the run's {@code requestedBy}
 * @param key a stable name for rate limits and idempotency keys: {@code token:<name>} for an opaque
 *     token, {@code user:<user>} for a JWT or a chat user
 * @param roles the caller's roles
 */
public record Caller(String user, String key, Set<String> roles) {
  /** Authority prefix of roles, as Spring Security's {@code hasRole} expects. */
  public static final String ROLE_PREFIX = "ROLE_";

  /** The caller behind an authenticated request. Throws {@link IllegalStateException} when none. */
  public static Caller of(Authentication a) {
    if (a == null || !a.isAuthenticated() || a instanceof AnonymousAuthenticationToken) {
      throw new IllegalStateException("no authenticated caller");
    }
    Set<String> roles =
        a.getAuthorities().stream()
            .map(GrantedAuthority::getAuthority)
            .filter(s -> s.startsWith(ROLE_PREFIX))
            .map(s -> s.substring(ROLE_PREFIX.length()))
            .collect(Collectors.toUnmodifiableSet());
    return new Caller(a.getName(), key(a), roles);
  }

  /** The rate-limit key: the caller's key when authenticated, else {@code ip:<remote address>}. */
  static String rateKey(Authentication a, HttpServletRequest request) {
    if (a == null || !a.isAuthenticated() || a instanceof AnonymousAuthenticationToken) {
      return "ip:" + request.getRemoteAddr();
    }
    return key(a);
  }

  private static String key(Authentication a) {
    if (a.getPrincipal() instanceof OAuth2AuthenticatedPrincipal p
        && p.getAttribute(HashedTokenIntrospector.TOKEN_NAME) instanceof String token) {
      return "token:" + token;
    }
    return "user:" + a.getName();
  }
}
