package io.bellwether.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.bellwether.contracts.TaskQueues;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorkerOptionsTest {

  /** address empty = embedded; sticky empty = not configured. */
  @ParameterizedTest
  @CsvSource({
    "'',                    '',    false",
    "'',                    true,  true",
    "temporal.example:7233, '',    true",
    "temporal.example:7233, false, false",
  })
  void stickyExecutionDefaultsOffOnlyForTheEmbeddedServer(
      String address, String sticky, boolean expectSticky) {
    BellwetherProperties props =
        new BellwetherProperties(
            new BellwetherProperties.Temporal(
                address,
                "default",
                null,
                new BellwetherProperties.Tls(null, null, null, null, null),
                sticky.isEmpty() ? null : Boolean.valueOf(sticky),
                7233),
            Map.of(),
            Map.of(),
            Map.of(),
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    WorkerOptions options =
        new WorkerConfiguration()
            .bellwetherWorkerOptions(props)
            .customize(WorkerOptions.newBuilder(), "bellwether", TaskQueues.BELLWETHER)
            .validateAndBuildWithDefaults();
    Duration timeout = options.getStickyQueueScheduleToStartTimeout();
    if (expectSticky) {
      assertNotEquals(Duration.ZERO, timeout);
    } else {
      assertEquals(Duration.ZERO, timeout);
    }
  }
}
