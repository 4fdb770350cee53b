package io.bellwether.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ShopMetricsTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      nullValues = "NULL",
      value = {
        "control|control",
        "new-checkout_2.v1|new-checkout_2.v1",
        "'  treatment '|treatment",
        "NULL|none",
        "''|none",
        "'   '|none",
        "a b|other",
        "<script>|other",
        "caf\u00e9|other",
        "a\"b|other",
        "x{y}|other",
      })
  void variantLabelsAreSanitized(String header, String label) {
    assertEquals(label, ShopMetrics.variantLabel(header));
  }

  @Test
  void aLabelMayBeSixtyFourCharactersButNotMore() {
    String max = "v".repeat(64);
    assertEquals(max, ShopMetrics.variantLabel(max));
    assertEquals("other", ShopMetrics.variantLabel(max + "v"));
  }

  @ParameterizedTest
  @CsvSource(
      nullValues = "NULL",
      value = {
        "hash, true",
        "random, true",
        "cookie, true",
        "' Cookie ', true",
        "forced, false",
        "segment, false",
        "'', false",
        "NULL, false",
        "hash-ish, false",
      })
  void onlyHashRandomAndCookieAssignmentsAreRandomized(String header, boolean randomized) {
    assertEquals(randomized, ShopMetrics.randomized(header));
  }

  @Test
  void aClientCannotCreateMoreThanTheVariantLimitOfSeries() {
    ShopMetrics m = new ShopMetrics("4.0.0");
    for (int i = 0; i < ShopMetrics.MAX_VARIANT_LABELS; i++) {
      assertEquals("v" + i, m.variantOf("v" + i));
    }
    // Over the limit: new names go to "other"; admitted names, none and other keep working.
    assertEquals("other", m.variantOf("one-too-many"));
    assertEquals("other", m.variantOf("and-another"));
    assertEquals("v0", m.variantOf("v0"));
    assertEquals("none", m.variantOf(null));
    for (int i = 0; i < 1000; i++) {
      m.exposure(m.variantOf("spam-" + i), true);
      m.exposure(m.variantOf("v" + (i % ShopMetrics.MAX_VARIANT_LABELS)), false);
    }
    String text = m.scrape();
    assertEquals(1000, m.exposures("other", true));
    // 32 admitted variants (randomized=false) plus "other" (randomized=true).
    assertEquals(ShopMetrics.MAX_VARIANT_LABELS + 1, count(text, "^ab_exposures_total\\{"));
  }

  @Test
  void scrapeWritesBothCountersWithVersionVariantAndRandomized() {
    ShopMetrics m = new ShopMetrics("4.1.0");
    m.exposure("treatment", true);
    m.exposure("treatment", true);
    m.exposure("treatment", false);
    m.exposure("none", false);
    m.conversion("treatment", true);
    String text = m.scrape();
    assertEquals(
        String.join(
            "\n",
            "# HELP ab_exposures_total Shop pages shown (GET /shop answered 200), by A/B variant.",
            "# TYPE ab_exposures_total counter",
            "ab_exposures_total{version=\"4.1.0\",variant=\"none\",randomized=\"false\"} 1",
            "ab_exposures_total{version=\"4.1.0\",variant=\"treatment\",randomized=\"false\"} 1",
            "ab_exposures_total{version=\"4.1.0\",variant=\"treatment\",randomized=\"true\"} 2",
            "# HELP ab_conversions_total Orders placed (POST /shop/checkout answered 200), by A/B"
                + " variant.",
            "# TYPE ab_conversions_total counter",
            "ab_conversions_total{version=\"4.1.0\",variant=\"treatment\",randomized=\"true\"} 1",
            ""),
        text);
    assertEquals(2, m.exposures("treatment", true));
    assertEquals(0, m.conversions("treatment", false));
  }

  @Test
  void beforeAnyShopTrafficOnlyTheHeadersAreWritten() {
    String text = new ShopMetrics("4.0.0").scrape();
    assertTrue(text.contains("# TYPE ab_exposures_total counter"), text);
    assertTrue(text.contains("# TYPE ab_conversions_total counter"), text);
    assertFalse(text.contains("{"), text);
  }

  private static int count(String text, String regex) {
    Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
