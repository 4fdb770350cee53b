package io.bellwether.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryTemplateTest {
  @Test
  void eachSideGetsItsOwnVersionAndInstancesAndTheRestIsShared() {
    String q =
        "rate(x{bellwether_instance=~\"{{instances}}\",version=\"{{ version }}\"}[{{interval}}])"
            + " / {{canaryVersion}} {{stableVersion}} {{canaryInstances}} {{baselineInstances}} {{service}}";
    Map<String, String> canary =
        QueryTemplate.variables(
            "web", "2.0.0", "1.0.0", List.of("web-c1"), List.of("web-1", "web-2"), Duration.ofSeconds(90), true);
    Map<String, String> baseline =
        QueryTemplate.variables(
            "web", "2.0.0", "1.0.0", List.of("web-c1"), List.of("web-1", "web-2"), Duration.ofSeconds(90), false);

    assertEquals(
        "rate(x{bellwether_instance=~\"web-c1\",version=\"2.0.0\"}[1m30s]) / 2.0.0 1.0.0 web-c1 web-1|web-2 web",
        QueryTemplate.render(q, canary));
    assertEquals(
        "rate(x{bellwether_instance=~\"web-1|web-2\",version=\"1.0.0\"}[1m30s]) / 2.0.0 1.0.0 web-c1 web-1|web-2 web",
        QueryTemplate.render(q, baseline));
  }

  @Test
  void namesAreEscapedForAPromqlRegexAndAnEmptySetMatchesNobody() {
    assertEquals("web\\\\.1|web-2", QueryTemplate.alternation(List.of("web.1", "web-2")));
    assertEquals(QueryTemplate.NO_INSTANCE, QueryTemplate.alternation(List.of()));
  }

  @Test
  void aReplacementWithDollarSignsIsTakenLiterally() {
    assertEquals("a$1b", QueryTemplate.render("a{{service}}b", Map.of("service", "$1")));
  }

  @Test
  void anABTestVariantGetsItsNameVersionInstancesAndTheExperiment() {
    Map<String, String> v =
        QueryTemplate.variant(
            "web", "new-checkout", "one-page", "4.1.0", List.of("web-ab-one-page-1", "web-ab-one-page-2"),
            Duration.ofSeconds(30));

    assertEquals(
        "sum(x{bellwether_instance=~\"web-ab-one-page-1|web-ab-one-page-2\",variant=\"one-page\"}[30s])"
            + " web new-checkout 4.1.0",
        QueryTemplate.render(
            "sum(x{bellwether_instance=~\"{{instances}}\",variant=\"{{variant}}\"}[{{interval}}])"
                + " {{service}} {{experiment}} {{version}}",
            v));
  }
}
