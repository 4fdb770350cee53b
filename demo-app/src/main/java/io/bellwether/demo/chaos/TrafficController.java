package io.bellwether.demo.chaos;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.bellwether.demo.DemoServer;
import io.bellwether.demo.ShopMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.CookieValue;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/**
 * The traffic endpoints, {@code /} (GET or POST), {@code GET /shop} and {@code POST
 * /shop/checkout}, answering as the plain server does. This is the controller Chaos Monkey watches
 * (watcher {@code rest-controller}): a latency assault delays these answers, an exception assault
 * fails them with 500 (see {@link AssaultAnswers}). Not final, so that Chaos Monkey can proxy it.
 */
@RestController
public class TrafficController {
  private static final JsonFactory JSON = new JsonFactory();
  private static final MediaType TEXT = new MediaType("text", "plain", StandardCharsets.UTF_8);

  private final DemoBehaviour demo;

  public TrafficController(DemoBehaviour demo) {
    this.demo = demo;
  }

  @RequestMapping(
      path = "/",
      method = {RequestMethod.GET, RequestMethod.POST})
  public ResponseEntity<String> root() {
    if (demo.faulty()) {
      return text(500, demo.banner() + " failed");
    }
    return text(200, demo.banner());
  }

  /**
   * A shop page: counts an exposure once per user and variant, as the plain server does (see {@link
   * DemoServer#EXPOSED_COOKIE}).
   */
  @GetMapping("/shop")
  public ResponseEntity<String> shop(
      @RequestHeader(name = ShopMetrics.VARIANT_HEADER, required = false) String variantHeader,
      @RequestHeader(name = ShopMetrics.ASSIGNMENT_HEADER, required = false) String assignment,
      @CookieValue(name = DemoServer.EXPOSED_COOKIE, required = false) String exposed) {
    String variant = demo.shop().variantOf(variantHeader);
    boolean randomized = ShopMetrics.randomized(assignment);
    if (demo.faulty()) {
      return json(500, variant, randomized, "error", "shop page failed", null);
    }
    String cookie = null;
    if (!variant.equals(exposed)) {
      demo.shop().exposure(variant, randomized);
      cookie = DemoServer.EXPOSED_COOKIE + "=" + variant + "; Path=/shop; HttpOnly";
    }
    return json(
        200, variant, randomized, "buyProbability", demo.release().conversionRate(), cookie);
  }

  /** An order: counts a conversion; an injected error counts none. */
  @PostMapping("/shop/checkout")
  public ResponseEntity<String> checkout(
      @RequestHeader(name = ShopMetrics.VARIANT_HEADER, required = false) String variantHeader,
      @RequestHeader(name = ShopMetrics.ASSIGNMENT_HEADER, required = false) String assignment) {
    String variant = demo.shop().variantOf(variantHeader);
    boolean randomized = ShopMetrics.randomized(assignment);
    if (demo.faulty()) {
      return json(500, variant, randomized, "error", "checkout failed", null);
    }
    demo.shop().conversion(variant, randomized);
    return json(200, variant, randomized, "order", demo.instance() + "-" + demo.nextOrder(), null);
  }

  static ResponseEntity<String> text(int status, String body) {
    return ResponseEntity.status(status).contentType(TEXT).body(body);
  }

  private ResponseEntity<String> json(
      int status, String variant, boolean randomized, String field, Object value, String cookie) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream(160);
    try (JsonGenerator g = JSON.createGenerator(buffer)) {
      g.writeStartObject();
      g.writeStringField("instance", demo.instance());
      g.writeStringField("version", demo.release().version());
      g.writeStringField("variant", variant);
      g.writeBooleanField("randomized", randomized);
      if (value instanceof Double d) {
        g.writeNumberField(field, d);
      } else {
        g.writeStringField(field, String.valueOf(value));
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ResponseEntity.BodyBuilder answer =
        ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON);
    if (cookie != null) {
      answer.header(HttpHeaders.SET_COOKIE, cookie);
    }
    return answer.body(buffer.toString(StandardCharsets.UTF_8));
  }
}
