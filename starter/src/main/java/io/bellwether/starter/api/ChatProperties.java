package io.bellwether.starter.api;

import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code bellwether.chat.*}: the chat integration. Without a signing secret the chat endpoints
 * answer 404, so an API that does not use chat exposes nothing to it.
 *
 * @param signingSecret the chat service's request signing secret; a secret, never shown
 * @param users chat user id to Bellwether user and roles; a chat user not listed can do nothing
 */
@ConfigurationProperties("bellwether.chat")
public record ChatProperties(String signingSecret, Map<String, ChatUser> users) {

  public ChatProperties {
    users = users == null ? Map.of() : Map.copyOf(users);
  }

  /** Whether chat requests are accepted at all. */
  public boolean enabled() {
    return signingSecret != null && !signingSecret.isBlank();
  }

  /**
   * @param user the Bellwether user the chat user acts as
   * @param roles viewer, deployer, approver or admin
   */
  public record ChatUser(String user, List<String> roles) {
    public ChatUser {
      roles = roles == null ? List.of() : List.copyOf(roles);
    }
  }

  @Override
  public String toString() {
    return "ChatProperties[signingSecret=<redacted>, users=" + users + "]";
  }
}
