package io.bellwether.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ActivityFailure;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Against the server the worker embeds ({@code temporal-test-server}, in process, real time): a
 * control that cancels an activity which completed while the control's workflow task was being
 * worked on. Without {@link StaleCancelRecovery} that server refuses the task and the run never
 * moves again; with it the control answers and the run goes on.
 */
class StaleCancelRecoveryTest {
  private static volatile CountDownLatch activityStarted;
  private static volatile long activityMillis;

  @WorkflowInterface
  public interface Step {
    @WorkflowMethod
    String run();

    @UpdateMethod
    String stop(String by);

    @UpdateValidatorMethod(updateName = "stop")
    void validateStop(String by);
  }

  @ActivityInterface
  public interface Work {
    String work();
  }

  public static class StepImpl implements Step {
    private CancellationScope scope;
    private String stoppedBy;

    @Override
    public String run() {
      Work w =
          Workflow.newActivityStub(
              Work.class, ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(30)).build());
      StringBuilder out = new StringBuilder();
      scope = Workflow.newCancellationScope(() -> out.append(w.work()));
      try {
        scope.run();
        out.append(" completed");
      } catch (ActivityFailure e) {
        out.append("cancelled");
      }
      // The run goes on after the control: another activity, then the end.
      out.append(", then ").append(w.work());
      return out + ", stop asked by " + stoppedBy;
    }

    @Override
    public String stop(String by) {
      stoppedBy = by;
      scope.cancel("stop asked by " + by);
      return "stopping";
    }

    @Override
    public void validateStop(String by) {
      if (by.equals("quick")) {
        return;
      }
      // Holds the control's workflow task open while the activity finishes: the race, made sure.
      try {
        Thread.sleep(700);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  public static class WorkImpl implements Work {
    @Override
    public String work() {
      activityStarted.countDown();
      try {
        Thread.sleep(activityMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "worked";
    }
  }

  private TestWorkflowEnvironment env;
  private StaleCancelRecovery recovery;
  private Step run;

  @BeforeEach
  void open() {
    activityStarted = new CountDownLatch(1);
    activityMillis = 300;
    recovery = new StaleCancelRecovery();
    env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setUseTimeskipping(false)
                .setWorkflowServiceStubsOptions(
                    WorkflowServiceStubsOptions.newBuilder().addGrpcClientInterceptor(recovery).build())
                .build());
    Worker worker = env.newWorker("stale-cancel");
    worker.registerWorkflowImplementationTypes(StepImpl.class);
    worker.registerActivitiesImplementations(new WorkImpl());
    env.start();
    run =
        env.getWorkflowClient()
            .newWorkflowStub(
                Step.class,
                WorkflowOptions.newBuilder().setTaskQueue("stale-cancel").setWorkflowId("stale-cancel-1").build());
  }

  @AfterEach
  void close() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void aControlThatCancelsAJustFinishedActivityAnswersAndTheRunGoesOn() throws Exception {
    WorkflowClient.start(run::run);
    assertTrue(activityStarted.await(30, TimeUnit.SECONDS), "the activity started");

    CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> run.stop("dave"));
    assertEquals("stopping", answer.get(60, TimeUnit.SECONDS), "the control answered");
    String result = WorkflowStub.fromTyped(run).getResult(60, TimeUnit.SECONDS, String.class);
    // The activity had finished before the cancel could count: it completed, and the run went on.
    assertEquals("worked completed, then worked, stop asked by dave", result);
    assertEquals(1, recovery.failedTasks(), "the task with the stale cancel was failed once");
  }

  @Test
  void aCancelOfAnActivityStillRunningGoesThroughUntouched() throws Exception {
    activityMillis = 3_000;
    WorkflowClient.start(run::run);
    assertTrue(activityStarted.await(30, TimeUnit.SECONDS), "the activity started");

    assertEquals("stopping", run.stop("quick"));
    String result = WorkflowStub.fromTyped(run).getResult(60, TimeUnit.SECONDS, String.class);
    assertEquals("cancelled, then worked, stop asked by quick", result);
    assertEquals(0, recovery.failedTasks(), "nothing to mend");
  }
}
