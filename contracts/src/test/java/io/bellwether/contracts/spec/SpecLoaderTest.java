package io.bellwether.contracts.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpecLoaderTest {
  private static final String VALID_YAML =
      """
      kind: RollingDeployment
      service: web
      version: 2.0.0
      target: {router: edge, backend: web, deployer: demo}
      strategy:
        maxUnavailable: 25%
        bakeTime: 2s
        failureLimit: 1
      drainTimeout: 30s
      healthCheck: {path: /health, successThreshold: 2, period: 500ms, timeout: 30s}
      smokeCheck: {path: /version, expectBodyContains: "${version}"}
      requestedBy: alice
      """;

  @Test
  void loadsYamlWithEveryField() {
    RollingDeploymentSpec spec = SpecLoader.rolling(VALID_YAML);
    assertEquals("web", spec.service());
    assertEquals("2.0.0", spec.version());
    assertEquals("edge", spec.target().router());
    assertEquals("http", spec.target().healthCheckOrDefault());
    assertEquals(2, spec.strategy().maxUnavailable().resolve(8));
    assertEquals(1, spec.strategy().failureLimit());
    assertEquals("2.0.0", spec.smokeCheck().expectedBodyFor(spec.version()));
    assertEquals("rolling-web-2.0.0", WorkflowIds.rolling(spec));
  }

  @Test
  void jsonFormRoundTripsAsTheWorkflowInput() {
    RollingDeploymentSpec spec = SpecLoader.rolling(VALID_YAML);
    String json = SpecLoader.toJson(spec);
    assertTrue(json.contains("\"maxUnavailable\":\"25%\""), json);
    assertEquals(spec, SpecLoader.rolling(json));
    RollingDeploymentSpec counted =
        SpecLoader.rolling(
            "{\"service\":\"web\",\"version\":\"1.0.0\",\"target\":{\"router\":\"edge\","
                + "\"backend\":\"web\",\"deployer\":\"demo\"},\"strategy\":{\"maxUnavailable\":2}}");
    assertTrue(SpecLoader.toJson(counted).contains("\"maxUnavailable\":2"));
  }

  @Test
  void everyProblemIsReportedTogether() {
    InvalidSpecException e =
        assertThrows(
            InvalidSpecException.class,
            () ->
                SpecLoader.rolling(
                    """
                    service: "web app"
                    target: {router: "127.0.0.1:9999", backend: web, deployer: /bin/sh, surprise: 1}
                    instances: [web-1, web-1, ""]
                    strategy: {maxUnavailable: lots, bakeTime: soon, failureLimit: -1}
                    drainTimeout: 0s
                    healthCheck: {path: health, successThreshold: 0, period: 10s, timeout: 5s}
                    smokeCheck: {expectStatus: 99}
                    colour: blue
                    """));
    List<String> fields = e.violations().stream().map(Violation::field).toList();
    assertEquals(
        List.of(
            "colour",
            "service",
            "version",
            "target.surprise",
            "target.router",
            "target.deployer",
            "instances[1]",
            "instances[2]",
            "strategy.maxUnavailable",
            "strategy.bakeTime",
            "strategy.failureLimit",
            "drainTimeout",
            "healthCheck.path",
            "healthCheck.successThreshold",
            "healthCheck.period",
            "smokeCheck.path",
            "smokeCheck.expectStatus"),
        fields,
        e.getMessage());
    assertTrue(e.getMessage().startsWith("spec is invalid (17 problems):"), e.getMessage());
  }

  @Test
  void wrongTypeAndWrongKindAreViolations() {
    InvalidSpecException e =
        assertThrows(
            InvalidSpecException.class,
            () ->
                SpecLoader.rolling(
                    "kind: Canary\nservice: web\nversion: 1.0.0\ninstances: {a: 1}\n"
                        + "target: {router: edge, backend: web, deployer: demo}\n"));
    List<String> fields = e.violations().stream().map(Violation::field).toList();
    assertTrue(fields.contains("kind"), fields.toString());
    assertTrue(fields.contains("instances"), fields.toString());
  }

  @Test
  void unknownFieldsSurviveTheWorkflowInputPath() throws Exception {
    // The worker's data converter reads the input without SpecLoader; the model keeps what it
    // does not know so that the workflow's validation reports it instead of failing to load.
    var spec =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readValue(
                "{\"kind\":\"RollingDeployment\",\"service\":\"web\",\"version\":\"1.0.0\","
                    + "\"target\":{\"router\":\"edge\",\"backend\":\"web\",\"deployer\":\"demo\"},"
                    + "\"strategy\":{\"maxUnavailble\":1}}",
                RollingDeploymentSpec.class);
    assertEquals(
        List.of(new Violation("strategy.maxUnavailble", "is not a known field")),
        SpecValidator.validate(spec));
    assertTrue(!SpecLoader.toJson(spec).contains("unknownFields"), SpecLoader.toJson(spec));
  }

  @Test
  void notADocument() {
    assertThrows(InvalidSpecException.class, () -> SpecLoader.rolling("- just\n- a list\n"));
    assertThrows(InvalidSpecException.class, () -> SpecLoader.rolling("{not: [valid"));
  }
}
