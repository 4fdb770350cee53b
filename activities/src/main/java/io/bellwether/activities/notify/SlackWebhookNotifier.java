package io.bellwether.activities.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bellwether.activities.config.NotifierConfig;
import io.bellwether.contracts.notify.RunNotification;

/**
 * {@link Notifier} for a Slack-compatible incoming webhook ({@code type: slack}). Posts a {@code
 * text} fallback and Block Kit {@code blocks}; a {@code gate-waiting} message carries Approve and
 * Reject buttons whose {@code value} is {@code {"workflowId":...,"gate":...}}, so the chat endpoint
 * knows which run and which gate a click decides without any state of its own.
 */
public final class SlackWebhookNotifier implements Notifier {
  public static final String ACTION_APPROVE = "approve";
  public static final String ACTION_REJECT = "reject";
  /** {@code block_id} of the buttons' block, so an interaction handler can tell it apart. */
  public static final String GATE_BLOCK_ID = "bellwether-gate";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final WebhookPost post;

  /** Throws {@link IllegalArgumentException} (without the URL) when the URL is not http(s). */
  public SlackWebhookNotifier(String name, NotifierConfig config) {
    this.post = new WebhookPost(name, config);
  }

  /** See {@link Notifier#notify}: one POST, at least once, retryable on failure. */
  @Override
  public void notify(RunNotification n) {
    post.post(body(n));
  }

  /** The exact JSON posted for {@code n}. Pure. */
  public static String body(RunNotification n) {
    String headline = headline(n);
    ObjectNode root = JSON.createObjectNode();
    root.put("text", headline);
    ArrayNode blocks = root.putArray("blocks");

    ObjectNode section = blocks.addObject();
    section.put("type", "section");
    mrkdwn(section.putObject("text"), headline);

    StringBuilder ctx = new StringBuilder("Run `").append(esc(n.workflowId())).append('`');
    if (n.workflowType() != null) {
      ctx.append(" (").append(esc(n.workflowType())).append(')');
    }
    if (n.by() != null) {
      ctx.append(" by ").append(esc(n.by()));
    }
    ObjectNode context = blocks.addObject();
    context.put("type", "context");
    mrkdwn(context.putArray("elements").addObject(), ctx.toString());

    if (RunNotification.KIND_GATE_WAITING.equals(n.kind())) {
      String value = buttonValue(n.workflowId(), n.gate());
      ObjectNode actions = blocks.addObject();
      actions.put("type", "actions");
      actions.put("block_id", GATE_BLOCK_ID);
      ArrayNode buttons = actions.putArray("elements");
      button(buttons.addObject(), ACTION_APPROVE, "Approve", "primary", value);
      button(buttons.addObject(), ACTION_REJECT, "Reject", "danger", value);
    }
    return root.toString();
  }

  /** The {@code value} of both gate buttons: the run and the gate, as a JSON string. Pure. */
  public static String buttonValue(String workflowId, String gate) {
    ObjectNode v = JSON.createObjectNode();
    v.put("workflowId", workflowId);
    v.put("gate", gate);
    return v.toString();
  }

  private static String headline(RunNotification n) {
    String what = "*" + esc(n.service()) + "* `" + esc(n.version()) + "`";
    return switch (n.kind() == null ? "" : n.kind()) {
      case RunNotification.KIND_STARTED -> what + ": run started";
      case RunNotification.KIND_GATE_WAITING ->
          what
              + " waits at gate *"
              + esc(n.gate())
              + "*"
              + (n.approvers() == null || n.approvers().isEmpty()
                  ? ""
                  : ". Approvers: " + esc(String.join(", ", n.approvers())))
              + (n.reason() == null || n.reason().isBlank() ? "" : ". " + esc(n.reason()));
      case RunNotification.KIND_TRAFFIC_STEP ->
          what + ": " + n.greenPercent() + "% of traffic on the new version";
      case RunNotification.KIND_PROMOTED -> what + " promoted";
      case RunNotification.KIND_ROLLED_BACK -> what + " rolled back: " + esc(n.reason());
      case RunNotification.KIND_FAILED -> what + " failed: " + esc(n.reason());
      case RunNotification.KIND_SUCCEEDED -> what + " succeeded";
      case RunNotification.KIND_VARIANT_STOPPED -> what + ": a variant was stopped: " + esc(n.reason());
      // A newer event kind still reaches people, just without a tailored sentence.
      default -> what + ": " + esc(n.kind());
    };
  }

  private static void mrkdwn(ObjectNode o, String text) {
    o.put("type", "mrkdwn");
    o.put("text", text);
  }

  private static void button(
      ObjectNode b, String actionId, String label, String style, String value) {
    b.put("type", "button");
    b.put("action_id", actionId);
    ObjectNode t = b.putObject("text");
    t.put("type", "plain_text");
    t.put("text", label);
    b.put("style", style);
    b.put("value", value);
  }

  // mrkdwn treats these three as control characters: user-supplied text must not form links.
  private static String esc(String s) {
    if (s == null) {
      return "";
    }
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  @Override
  public String toString() {
    return "SlackWebhookNotifier[" + post + "]";
  }
}
