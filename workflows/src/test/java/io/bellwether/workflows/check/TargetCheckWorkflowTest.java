package io.bellwether.workflows.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.TaskQueues;
import io.bellwether.contracts.abtest.ABTestTarget;
import io.bellwether.contracts.activities.ConfigActivities;
import io.bellwether.contracts.bluegreen.BlueGreenTarget;
import io.bellwether.contracts.canary.CanaryTarget;
import io.bellwether.contracts.check.TargetCheckRequest;
import io.bellwether.contracts.check.TargetCheckWorkflow;
import io.bellwether.contracts.spec.TargetRef;
import io.bellwether.contracts.spec.Violation;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TargetCheckWorkflowTest {
  private static final TargetRef ROLLING = new TargetRef("edge", "web", "local", null);
  private static final BlueGreenTarget BLUE_GREEN =
      new BlueGreenTarget("edge", "shop", "local", null);
  private static final CanaryTarget CANARY =
      new CanaryTarget("edge", "web", "web", "local", null, "prom");
  private static final ABTestTarget AB_TEST =
      new ABTestTarget("edge", "web", "web_ab", "local", null, "prom");

  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private final ConfigActivities config =
      mock(ConfigActivities.class, withSettings().withoutAnnotations());

  @BeforeEach
  void setUp() {
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker(TaskQueues.BELLWETHER);
    worker.registerWorkflowImplementationTypes(TargetCheckWorkflowImpl.class);
    worker.registerActivitiesImplementations(config);
    env.start();
    client = env.getWorkflowClient();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void aRollingTargetIsCheckedByTheConfiguration() {
    Violation unknown = new Violation("target.router", "no router named 'edge'");
    when(config.checkTarget(ROLLING)).thenReturn(List.of(unknown));

    assertEquals(List.of(unknown), check(TargetCheckRequest.of(ROLLING)));
    verify(config, never()).checkBlueGreenTarget(any());
  }

  @Test
  void aBlueGreenTargetIsCheckedByTheConfiguration() {
    when(config.checkBlueGreenTarget(BLUE_GREEN)).thenReturn(List.of());

    assertEquals(List.of(), check(TargetCheckRequest.of(BLUE_GREEN)));
    verify(config).checkBlueGreenTarget(BLUE_GREEN);
    verify(config, never()).checkTarget(any());
  }

  @Test
  void aCanaryTargetIsCheckedByTheConfiguration() {
    Violation noProvider = new Violation("target.metrics", "no metrics provider named 'prom'");
    when(config.checkCanaryTarget(CANARY)).thenReturn(List.of(noProvider));

    assertEquals(List.of(noProvider), check(TargetCheckRequest.of(CANARY)));
    verify(config).checkCanaryTarget(CANARY);
    verify(config, never()).checkTarget(any());
    verify(config, never()).checkBlueGreenTarget(any());
  }

  @Test
  void anABTestTargetIsCheckedByTheConfiguration() {
    Violation noSplit = new Violation("target.split", "no split named 'web_ab' in router 'edge'");
    when(config.checkABTestTarget(AB_TEST)).thenReturn(List.of(noSplit));

    assertEquals(List.of(noSplit), check(TargetCheckRequest.of(AB_TEST)));
    verify(config).checkABTestTarget(AB_TEST);
    verify(config, never()).checkCanaryTarget(any());
    verify(config, never()).checkTarget(any());
  }

  @Test
  void anABTestBesideAnotherTargetIsAViolation() {
    List<Violation> two = check(new TargetCheckRequest(null, null, CANARY, AB_TEST));

    assertEquals(List.of(TargetCheckWorkflowImpl.EXACTLY_ONE), two);
    verify(config, never()).checkABTestTarget(any());
    verify(config, never()).checkCanaryTarget(any());
  }

  @Test
  void aCanaryBesideAnotherTargetIsAViolation() {
    List<Violation> two = check(new TargetCheckRequest(ROLLING, null, CANARY));

    assertEquals(List.of(TargetCheckWorkflowImpl.EXACTLY_ONE), two);
    verify(config, never()).checkCanaryTarget(any());
  }

  @Test
  void neitherOrBothTargetsIsAViolationWithoutAskingTheWorker() {
    List<Violation> neither = check(new TargetCheckRequest(null, null));
    List<Violation> both = check(new TargetCheckRequest(ROLLING, BLUE_GREEN));

    assertEquals(List.of(new Violation("target", "exactly one of rolling, blueGreen, canary, abTest")), neither);
    assertEquals("target: exactly one of rolling, blueGreen, canary, abTest", both.get(0).toString());
    assertEquals(1, both.size());
    verify(config, never()).checkTarget(any());
    verify(config, never()).checkBlueGreenTarget(any());
  }

  @Test
  void anUnknownTargetFailureBecomesAViolation() {
    when(config.checkTarget(ROLLING))
        .thenThrow(
            ApplicationFailure.newNonRetryableFailure(
                "no router named 'edge'", FailureTypes.UNKNOWN_TARGET));

    List<Violation> found = check(TargetCheckRequest.of(ROLLING));

    assertEquals(1, found.size());
    assertEquals("target", found.get(0).field());
    assertTrue(found.get(0).reason().contains("no router named 'edge'"), found.toString());
  }

  @Test
  void aConfigurationThatCannotBeReadFailsTheCheckInsteadOfPassingIt() {
    when(config.checkTarget(ROLLING))
        .thenThrow(ApplicationFailure.newNonRetryableFailure("config unreadable", "Broken"));

    WorkflowFailedException e =
        assertThrows(WorkflowFailedException.class, () -> check(TargetCheckRequest.of(ROLLING)));
    assertInstanceOf(ActivityFailure.class, e.getCause());
  }

  private List<Violation> check(TargetCheckRequest request) {
    TargetCheckWorkflow wf =
        client.newWorkflowStub(
            TargetCheckWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(TargetCheckWorkflow.ID_PREFIX + UUID.randomUUID())
                .setTaskQueue(TaskQueues.BELLWETHER)
                .setWorkflowExecutionTimeout(Duration.ofSeconds(20))
                .build());
    return wf.check(request);
  }
}
