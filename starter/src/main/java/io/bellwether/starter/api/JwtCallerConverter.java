package io.bellwether.starter.api;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Turns a verified JWT into a caller: the user from {@code bellwether.api.oidc.user-claim}, the
 * roles from {@code roles-claim} (a list or a space-separated string; dotted paths reach nested
 * claims, as in {@code realm_access.roles}). Roles other than the four known ones are ignored. A
 * token without the user claim is refused as invalid.
 */
final class JwtCallerConverter implements Converter<Jwt, AbstractAuthenticationToken> {
  private final String userClaim;
  private final String rolesClaim;

  JwtCallerConverter(ApiProperties.Oidc oidc) {
    this.userClaim = oidc.userClaim();
    this.rolesClaim = oidc.rolesClaim();
  }

  @Override
  public AbstractAuthenticationToken convert(Jwt jwt) {
    Object user = claim(jwt.getClaims(), userClaim);
    if (!(user instanceof String u) || u.isBlank()) {
      throw new InvalidBearerTokenException("the token has no '" + userClaim + "' claim");
    }
    List<GrantedAuthority> authorities = new ArrayList<>();
    for (String r : roles(claim(jwt.getClaims(), rolesClaim))) {
      String role = Roles.normalise(r);
      if (Roles.ALL.contains(role)) {
        authorities.add(new SimpleGrantedAuthority(Caller.ROLE_PREFIX + role));
      }
    }
    return new JwtAuthenticationToken(jwt, authorities, u);
  }

  private static List<String> roles(Object value) {
    if (value instanceof String s) {
      return List.of(s.trim().split("\\s+"));
    }
    if (value instanceof Collection<?> c) {
      return c.stream().map(String::valueOf).toList();
    }
    return List.of();
  }

  private static Object claim(Map<String, Object> claims, String path) {
    if (claims.containsKey(path)) {
      return claims.get(path);
    }
    Object at = claims;
    for (String part : path.split("\\.")) {
      if (!(at instanceof Map<?, ?> m)) {
        return null;
      }
      at = m.get(part);
    }
    return at;
  }
}
