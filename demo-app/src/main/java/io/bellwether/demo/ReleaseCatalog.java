package io.bellwether.demo;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The known releases and how each behaves, read from {@code releases.json} in the jar. */
public final class ReleaseCatalog {
  public static final String RESOURCE = "/releases.json";

  private final Map<String, Release> releases;

  private ReleaseCatalog(Map<String, Release> releases) {
    this.releases = Map.copyOf(releases);
  }

  /** The catalog shipped in the jar. Throws when the resource is missing or malformed. */
  public static ReleaseCatalog builtIn() {
    try (InputStream in = ReleaseCatalog.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      return parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads a catalog document: {@code {"releases": [{"version": ..., "errorRate": ..., "latencyMs":
   * ..., "healthy": ..., "tailRate": ..., "tailMinMs": ..., "tailMaxMs": ..., "conversionRate":
   * ..., "note": ...}]}}.
   * Unknown fields are an error, so a misspelt fault cannot
   * silently turn a bad release into a good one.
   */
  public static ReleaseCatalog parse(InputStream json) throws IOException {
    // The streaming parser, not data binding: binding costs about 300 ms of class loading at
    // start, and instances are restarted many times per test.
    Map<String, Release> byVersion = new LinkedHashMap<>();
    try (JsonParser p = new JsonFactory().createParser(json)) {
      expect(p, p.nextToken(), JsonToken.START_OBJECT, "document");
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        if (!field.equals("releases")) {
          throw new IOException("unknown field '" + field + "' at " + p.currentLocation());
        }
        expect(p, p.nextToken(), JsonToken.START_ARRAY, "releases");
        while (p.nextToken() == JsonToken.START_OBJECT) {
          Release r = release(p);
          if (byVersion.put(r.version(), r) != null) {
            throw new IOException("release " + r.version() + " is listed twice");
          }
        }
        expect(p, p.currentToken(), JsonToken.END_ARRAY, "releases");
      }
      expect(p, p.currentToken(), JsonToken.END_OBJECT, "document");
    }
    return new ReleaseCatalog(byVersion);
  }

  private static Release release(JsonParser p) throws IOException {
    String version = null;
    double errorRate = 0;
    int latencyMs = 0;
    boolean healthy = true;
    String note = null;
    double tailRate = 0;
    int tailMinMs = 0;
    int tailMaxMs = 0;
    double conversionRate = Release.DEFAULT_CONVERSION_RATE;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "version" -> version = text(p, value, field);
        case "note" -> note = text(p, value, field);
        case "errorRate" -> {
          expectNumber(p, value, field);
          errorRate = p.getDoubleValue();
        }
        case "latencyMs" -> {
          expect(p, value, JsonToken.VALUE_NUMBER_INT, field);
          latencyMs = p.getIntValue();
        }
        case "tailRate" -> {
          expectNumber(p, value, field);
          tailRate = p.getDoubleValue();
        }
        case "conversionRate" -> {
          expectNumber(p, value, field);
          conversionRate = p.getDoubleValue();
        }
        case "tailMinMs" -> {
          expect(p, value, JsonToken.VALUE_NUMBER_INT, field);
          tailMinMs = p.getIntValue();
        }
        case "tailMaxMs" -> {
          expect(p, value, JsonToken.VALUE_NUMBER_INT, field);
          tailMaxMs = p.getIntValue();
        }
        case "healthy" -> {
          if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE) {
            throw new IOException(field + " must be true or false at " + p.currentLocation());
          }
          healthy = p.getBooleanValue();
        }
        default -> throw new IOException("unknown field '" + field + "' at " + p.currentLocation());
      }
    }
    try {
      return new Release(
          version,
          errorRate,
          latencyMs,
          healthy,
          note,
          tailRate,
          tailMinMs,
          tailMaxMs,
          conversionRate);
    } catch (IllegalArgumentException e) {
      throw new IOException("bad release at " + p.currentLocation() + ": " + e.getMessage(), e);
    }
  }

  private static String text(JsonParser p, JsonToken value, String field) throws IOException {
    expect(p, value, JsonToken.VALUE_STRING, field);
    return p.getText();
  }

  private static void expectNumber(JsonParser p, JsonToken value, String field)
      throws IOException {
    if (value != JsonToken.VALUE_NUMBER_INT && value != JsonToken.VALUE_NUMBER_FLOAT) {
      throw new IOException(field + " must be a number at " + p.currentLocation());
    }
  }

  private static void expect(JsonParser p, JsonToken actual, JsonToken wanted, String what)
      throws IOException {
    if (actual != wanted) {
      throw new IOException(
          what + ": expected " + wanted + " but found " + actual + " at " + p.currentLocation());
    }
  }

  /** The catalog entry for {@code version}, or a good release when the catalog lacks it. */
  public Release lookup(String version) {
    Release r = releases.get(version);
    return r == null ? Release.good(version) : r;
  }

  /** Whether the catalog lists {@code version}. */
  public boolean contains(String version) {
    return releases.containsKey(version);
  }
}
