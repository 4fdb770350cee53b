package io.bellwether.activities.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bellwether.activities.config.NotifierConfig;
import io.bellwether.contracts.notify.RunNotification;

/**
 * {@link Notifier} that POSTs the notification as plain JSON ({@code type: webhook}), every field
 * present (null when it does not apply) so receivers see one stable shape.
 */
public final class JsonWebhookNotifier implements Notifier {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final WebhookPost post;

  /** Throws {@link IllegalArgumentException} (without the URL) when the URL is not http(s). */
  public JsonWebhookNotifier(String name, NotifierConfig config) {
    this.post = new WebhookPost(name, config);
  }

  /** See {@link Notifier#notify}: one POST, at least once, retryable on failure. */
  @Override
  public void notify(RunNotification n) {
    post.post(body(n));
  }

  /** The exact JSON posted for {@code n}. Pure. */
  public static String body(RunNotification n) {
    ObjectNode o = JSON.createObjectNode();
    o.put("kind", n.kind());
    o.put("workflowId", n.workflowId());
    o.put("workflowType", n.workflowType());
    o.put("service", n.service());
    o.put("version", n.version());
    o.put("gate", n.gate());
    if (n.approvers() == null) {
      o.putNull("approvers");
    } else {
      ArrayNode a = o.putArray("approvers");
      n.approvers().forEach(a::add);
    }
    o.put("greenPercent", n.greenPercent());
    o.put("reason", n.reason());
    o.put("by", n.by());
    return o.toString();
  }

  @Override
  public String toString() {
    return "JsonWebhookNotifier[" + post + "]";
  }
}
