package io.bellwether.starter.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.DefaultOAuth2AuthenticatedPrincipal;
import org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal;
import org.springframework.security.oauth2.server.resource.introspection.BadOpaqueTokenException;
import org.springframework.security.oauth2.server.resource.introspection.OpaqueTokenIntrospector;

/**
 * Checks opaque bearer tokens against the configured SHA-256 hashes, so the configuration never
 * holds a usable token. The presented token is hashed and compared with every configured hash in
 * constant time; the loop does not stop at a match, so timing tells nothing about which or how
 * many tokens exist.
 */
public final class HashedTokenIntrospector implements OpaqueTokenIntrospector {
  /** Principal attribute naming the configured token, for rate limits and idempotency. */
  public static final String TOKEN_NAME = "token";
  /** Principal attribute naming the user. */
  public static final String USER = "user";

  private record Known(String name, byte[] hash, String user, List<GrantedAuthority> authorities) {}

  private final List<Known> known = new ArrayList<>();

  /** Tokens as configured; call {@link #problems} first to reject a bad configuration. */
  public HashedTokenIntrospector(Map<String, ApiProperties.Token> tokens) {
    tokens.forEach((name, t) -> {
      List<GrantedAuthority> authorities = new ArrayList<>();
      for (String r : t.roles()) {
        authorities.add(new SimpleGrantedAuthority(Caller.ROLE_PREFIX + Roles.normalise(r)));
      }
      known.add(new Known(name, HexFormat.of().parseHex(t.sha256().strip()), t.user().strip(), List.copyOf(authorities)));
    });
  }

  /** Every problem with the configured tokens, naming the property but never quoting a value. */
  public static List<String> problems(Map<String, ApiProperties.Token> tokens) {
    List<String> problems = new ArrayList<>();
    tokens.forEach((name, t) -> {
      String at = "bellwether.api.tokens." + name;
      if (t.sha256() == null || !t.sha256().strip().matches("[0-9a-fA-F]{64}")) {
        problems.add(at + ".sha256 must be the 64 hex digits of the token's SHA-256");
      }
      if (t.user() == null || t.user().isBlank()) {
        problems.add(at + ".user is required");
      }
      if (t.roles().isEmpty()) {
        problems.add(at + ".roles must name at least one of " + Roles.ALL);
      }
      for (String r : t.roles()) {
        if (!Roles.ALL.contains(Roles.normalise(r))) {
          problems.add(at + ".roles: unknown role '" + r + "' (known: " + Roles.ALL + ")");
        }
      }
    });
    return problems;
  }

  /** The hex SHA-256 of {@code token}'s UTF-8 bytes, as {@code tokens.<name>.sha256} wants it. */
  public static String sha256Hex(String token) {
    return HexFormat.of().formatHex(sha256(token));
  }

  @Override
  public OAuth2AuthenticatedPrincipal introspect(String token) {
    byte[] presented = sha256(token);
    Known match = null;
    for (Known k : known) {
      if (MessageDigest.isEqual(presented, k.hash()) && match == null) {
        match = k;
      }
    }
    if (match == null) {
      // Says nothing about the token itself: the answer goes back to whoever presented it.
      throw new BadOpaqueTokenException("unknown or revoked token");
    }
    return new DefaultOAuth2AuthenticatedPrincipal(
        match.user(), Map.of(TOKEN_NAME, match.name(), USER, match.user()), match.authorities());
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}
