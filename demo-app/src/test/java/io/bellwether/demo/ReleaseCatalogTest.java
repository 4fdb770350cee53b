package io.bellwether.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReleaseCatalogTest {
  private final ReleaseCatalog catalog = ReleaseCatalog.builtIn();

  @ParameterizedTest
  @CsvSource({
    "1.0.0, 0.0,  0,   true",
    "1.1.0, 0.0,  0,   true",
    "2.0.0, 0.0,  0,   true",
    "2.1.0, 0.25, 0,   true",
    "2.2.0, 0.0,  300, true",
    "2.3.0, 0.05, 0,   true",
    "2.4.0, 0.0,  150, true",
    "2.5.0, 0.0,  0,   true",
    "3.0.0, 0.0,  0,   false",
  })
  void builtInCatalogDescribesEachRelease(
      String version, double errorRate, int latencyMs, boolean healthy) {
    assertTrue(catalog.contains(version));
    Release r = catalog.lookup(version);
    assertEquals(version, r.version());
    assertEquals(errorRate, r.errorRate());
    assertEquals(latencyMs, r.latencyMs());
    assertEquals(healthy, r.healthy());
  }

  @ParameterizedTest
  @CsvSource({
    "4.0.0, 0.10, 0.0, 0",
    "4.0.1, 0.10, 0.0, 0",
    "4.1.0, 0.15, 0.0, 0",
    "4.2.0, 0.15, 0.2, 0",
    "4.3.0, 0.10, 0.0, 200",
  })
  void shopVariantsDifferInConversionErrorsAndLatency(
      String version, double conversionRate, double errorRate, int latencyMs) {
    assertTrue(catalog.contains(version));
    Release r = catalog.lookup(version);
    assertEquals(conversionRate, r.conversionRate());
    assertEquals(errorRate, r.errorRate());
    assertEquals(latencyMs, r.latencyMs());
    assertTrue(r.healthy());
    assertFalse(r.note().isBlank());
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.0.0", "2.1.0", "2.5.0", "3.0.0", "9.9.9"})
  void releasesThatSayNothingConvertAtTheDefaultTenPercent(String version) {
    assertEquals(0.10, catalog.lookup(version).conversionRate());
    assertEquals(Release.DEFAULT_CONVERSION_RATE, catalog.lookup(version).conversionRate());
  }

  @Test
  void conversionRateIsReadAndOverridable() throws IOException {
    ReleaseCatalog c = parse("{\"releases\":[{\"version\":\"5.0.0\",\"conversionRate\":0.3}]}");
    assertEquals(0.3, c.lookup("5.0.0").conversionRate());
    assertEquals(0.5, c.lookup("5.0.0").with(null, null, false, 0.5).conversionRate());
    assertEquals(0.3, c.lookup("5.0.0").with(1.0, null, false).conversionRate());
  }

  @Test
  void theHeavyTailReleaseSlowsAboutFourPercentBySixToNineHundredMilliseconds() {
    Release r = catalog.lookup("2.5.0");
    assertEquals(0.04, r.tailRate());
    assertEquals(600, r.tailMinMs());
    assertEquals(900, r.tailMaxMs());
    assertEquals(0.0, catalog.lookup("2.0.0").tailRate());
  }

  @Test
  void aTailWithMaxBelowMinIsRejected() {
    assertThrows(
        IOException.class,
        () -> parse("{\"releases\":[{\"version\":\"4.0.0\",\"tailRate\":0.1,\"tailMinMs\":500,\"tailMaxMs\":100}]}"));
  }

  @Test
  void unknownVersionBehavesAsAGoodRelease() {
    assertFalse(catalog.contains("9.9.9"));
    Release r = catalog.lookup("9.9.9");
    assertEquals(new Release("9.9.9", 0, 0, true, r.note()), r);
  }

  @Test
  void overridesReplaceOnlyWhatIsGiven() {
    Release r = catalog.lookup("2.2.0").with(0.5, null, true);
    assertEquals(0.5, r.errorRate());
    assertEquals(300, r.latencyMs());
    assertFalse(r.healthy());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"releases\":[{\"version\":\"1.0.0\",\"errorrate\":0.5}]}",
        "{\"releases\":[{\"version\":\"1.0.0\",\"errorRate\":1.5}]}",
        "{\"releases\":[{\"version\":\"1.0.0\",\"healthy\":\"no\"}]}",
        "{\"releases\":[{\"version\":\"1.0.0\",\"conversionRate\":1.5}]}",
        "{\"releases\":[{\"version\":\"1.0.0\",\"conversionRate\":\"high\"}]}",
        "{\"releases\":[{\"version\":\"1.0.0\",\"conversionrate\":0.2}]}",
        "{\"releases\":[{\"errorRate\":0.5}]}",
        "{\"releases\":[{\"version\":\"1.0.0\"},{\"version\":\"1.0.0\"}]}",
        "{\"versions\":[]}",
        "[]",
      })
  void malformedCatalogsAreRejected(String json) {
    assertThrows(Exception.class, () -> parse(json));
  }

  @Test
  void wellFormedCatalogParses() throws IOException {
    ReleaseCatalog c =
        parse("{\"releases\":[{\"version\":\"4.0.0\",\"latencyMs\":50,\"healthy\":false}]}");
    assertEquals(new Release("4.0.0", 0, 50, false, ""), c.lookup("4.0.0"));
  }

  private static ReleaseCatalog parse(String json) throws IOException {
    return ReleaseCatalog.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
  }
}
