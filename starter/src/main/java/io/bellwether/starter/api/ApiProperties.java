package io.bellwether.starter.api;

import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code bellwether.api.*}: the operator API's limits, its callers and the identity key it signs
 * attestations with. Secrets (token hashes, the identity key) never appear in {@link #toString()}.
 *
 * @param maxBodyBytes larger request bodies are refused with 413 before anything parses them
 * @param rateLimit per-caller token bucket
 * @param tokens opaque bearer tokens by name, stored as the SHA-256 of the token
 * @param identity the key that signs attestations for authenticated users; null when none
 * @param oidc which JWT claims carry the user and the roles, when a JWT issuer is configured
 */
@ConfigurationProperties("bellwether.api")
public record ApiProperties(
    @DefaultValue("65536") int maxBodyBytes,
    @DefaultValue RateLimit rateLimit,
    Map<String, Token> tokens,
    Identity identity,
    @DefaultValue Oidc oidc) {

  public ApiProperties {
    tokens = tokens == null ? Map.of() : Map.copyOf(tokens);
  }

  /**
   * @param requestsPerSecond steady rate a caller may keep up
   * @param burst how many requests a caller may send at once after being idle
   */
  public record RateLimit(
      @DefaultValue("20") double requestsPerSecond, @DefaultValue("40") int burst) {}

  /**
   * @param sha256 lower- or upper-case hex SHA-256 of the token's UTF-8 bytes
   * @param user who the token speaks for, in audit trails and approvals
   * @param roles viewer, deployer, approver or admin
   */
  public record Token(String sha256, String user, List<String> roles) {
    public Token {
      roles = roles == null ? List.of() : List.copyOf(roles);
    }

    @Override
    public String toString() {
      return "Token[user=" + user + ", roles=" + roles + ", sha256=<redacted>]";
    }
  }

  /**
   * @param keyId names the key; the worker holds the same secret as {@code
   *     bellwether.identity.keys.<keyId>}
   * @param key the shared secret
   */
  public record Identity(String keyId, String key) {
    /** Whether both parts are set, so attestations can be signed. */
    public boolean configured() {
      return keyId != null && !keyId.isBlank() && key != null && !key.isEmpty();
    }

    @Override
    public String toString() {
      return "Identity[keyId=" + keyId + ", key=<redacted>]";
    }
  }

  /**
   * @param userClaim the JWT claim naming the user; a dotted path reaches into nested objects
   * @param rolesClaim the JWT claim holding the roles (a list or a space-separated string); a
   *     dotted path such as {@code realm_access.roles} reaches into nested objects
   */
  public record Oidc(
      @DefaultValue("preferred_username") String userClaim,
      @DefaultValue("roles") String rolesClaim) {}

  @Override
  public String toString() {
    return "ApiProperties[maxBodyBytes=" + maxBodyBytes + ", rateLimit=" + rateLimit
        + ", tokens=" + tokens + ", identity=" + identity + ", oidc=" + oidc + "]";
  }
}
