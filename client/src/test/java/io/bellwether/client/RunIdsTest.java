package io.bellwether.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.bellwether.contracts.rolling.Phase;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RunIdsTest {
  @ParameterizedTest
  @CsvSource(
      nullValues = "null",
      value = {
        "RollingDeployment,   rolling-web-2.0.0,               web",
        "BlueGreenDeployment, bluegreen-shop-2.0.0,            shop",
        "CanaryRelease,       canary-web-2.0.0,                web",
        "CanaryRelease,       canary-web-api-2.4.0,            web-api",
        "CanaryRelease,       rolling-web-2.0.0,               null",
        "ABTest,              abtest-web-checkout,             web",
        "ABTest,              abtest-web.api-new_cart,         web.api",
        // An experiment name has no shape to tell it from a service name.
        "ABTest,              abtest-web-one-page,             null",
        "ABTest,              canary-web-2.0.0,                null",
        "ABTest,              abtest-web,                      null",
        "RollingDeployment,   rolling-web-api-2.0.0,           web-api",
        "RollingDeployment,   rolling-web-api-2.0.0-rc.1,      web-api",
        "RollingDeployment,   rolling-web-v3,                  web",
        "RollingDeployment,   rolling-web-latest,              web",
        // Both readings have a version-like tail: undecidable from the id alone.
        "RollingDeployment,   rolling-app-v2-2.0.0,            null",
        "RollingDeployment,   bluegreen-shop-2.0.0,            null",
        "BlueGreenDeployment, rolling-web-2.0.0,               null",
        "TargetCheck,         targetcheck-1234-5678,           null",
        "RollingDeployment,   rolling-web,                     null",
        "RollingDeployment,   rolling--2.0.0,                  null"
      })
  void theServiceIsReadFromTheWorkflowId(String type, String id, String service) {
    assertEquals(service, RunIds.service(type, id));
  }

  @Test
  void everyReadingOfAnAmbiguousIdIsACandidate() {
    assertEquals(
        List.of("web", "web-api", "web-api-2.0.0"),
        RunIds.candidates("RollingDeployment", "rolling-web-api-2.0.0-rc.1"));
    assertEquals(List.of("web"), RunIds.candidates("RollingDeployment", "rolling-web-2.0.0"));
    assertEquals(List.of(), RunIds.candidates("RollingDeployment", "rolling-web"));
    assertEquals(List.of("web", "web-one"), RunIds.candidates("ABTest", "abtest-web-one-page"));
  }

  @Test
  void phasesAreReadForgivingCaseAndDashes() {
    assertEquals(Phase.AWAITING_APPROVAL, BellwetherClient.parsePhase("awaiting-approval"));
    assertEquals(Phase.ROLLED_BACK, BellwetherClient.parsePhase(" Rolled_Back "));
    for (Phase p : Phase.values()) {
      assertEquals(p, BellwetherClient.parsePhase(p.name()));
    }
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> BellwetherClient.parsePhase("DONE"));
    assertEquals(
        "phase must be one of " + Arrays.toString(Phase.values()) + " or null, was 'DONE'", e.getMessage());
  }
}
