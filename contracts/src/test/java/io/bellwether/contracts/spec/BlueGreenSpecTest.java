package io.bellwether.contracts.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.contracts.bluegreen.BlueGreenDeploymentSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class BlueGreenSpecTest {
  @Test
  void loadsAFullBlueGreenSpec() {
    BlueGreenDeploymentSpec spec =
        SpecLoader.blueGreen(
            """
            kind: BlueGreenDeployment
            service: shop
            version: 2.0.0
            target: {router: edge, pool: shop, deployer: demo}
            replicas: 2
            healthCheck: {path: /health, successThreshold: 2, period: 200ms, timeout: 20s}
            smokeCheck: {path: /version, expectBodyContains: "${version}"}
            preview: true
            approval:
              approverGroups: [release-managers]
              requiredApprovals: 1
              timeout: 10m
              onTimeout: abort
            trafficShift: {steps: [10, 50, 100], interval: 5s}
            watchWindow: 10s
            blueRetention: {mode: scaleDown, scaleDownDelay: 30s}
            requestedBy: carol
            """);
    assertEquals("bluegreen-shop-2.0.0", WorkflowIds.blueGreen(spec));
    assertEquals("shop", spec.target().pool());
    assertEquals(List.of(10, 50, 100), spec.trafficShift().steps());
    assertEquals("abort", spec.approval().onTimeoutOrDefault());
    assertTrue(spec.previewOrDefault());
    assertEquals(SpecLoader.KIND_BLUE_GREEN, SpecLoader.kindOf("kind: BlueGreenDeployment\n"));
    assertEquals(SpecLoader.KIND_ROLLING, SpecLoader.kindOf("service: web\n"));
    assertEquals(spec, SpecLoader.blueGreen(SpecLoader.toJson(spec)));
  }

  @Test
  void everyBlueGreenProblemTogether() {
    InvalidSpecException e =
        assertThrows(
            InvalidSpecException.class,
            () ->
                SpecLoader.blueGreen(
                    """
                    kind: RollingDeployment
                    service: shop
                    version: 2.0.0
                    target: {router: edge, deployer: demo, backend: x}
                    replicas: 0
                    approval: {approverGroups: ["sre team"], requiredApprovals: 0, onTimeout: later, timeout: never}
                    trafficShift: {steps: [50, 20, 90]}
                    blueRetention: {mode: forever}
                    watchWindow: soon
                    """));
    List<String> fields = e.violations().stream().map(Violation::field).toList();
    assertEquals(
        List.of(
            "kind",
            "target.backend",
            "target.pool",
            "replicas",
            "approval.approverGroups[0]",
            "approval.requiredApprovals",
            "approval.timeout",
            "approval.onTimeout",
            "trafficShift.steps[1]",
            "trafficShift.steps",
            "watchWindow",
            "blueRetention.mode"),
        fields,
        e.getMessage());
  }

  @Test
  void rollingGateNeedsSomeoneToDecide() {
    InvalidSpecException e =
        assertThrows(
            InvalidSpecException.class,
            () ->
                SpecLoader.rolling(
                    "service: web\nversion: 2.0.0\n"
                        + "target: {router: edge, backend: web, deployer: demo}\n"
                        + "approvalAfterFirstBatch: {timeout: 5m, colour: red}\n"));
    assertEquals(
        List.of("approvalAfterFirstBatch.colour", "approvalAfterFirstBatch.approvers"),
        e.violations().stream().map(Violation::field).toList());
  }
}
