package io.bellwether.worker;

import io.bellwether.activities.BellwetherActivities;
import io.bellwether.contracts.TaskQueues;
import io.bellwether.workflows.abtest.ABTestWorkflowImpl;
import io.bellwether.workflows.bluegreen.BlueGreenDeploymentWorkflowImpl;
import io.bellwether.workflows.canary.CanaryReleaseWorkflowImpl;
import io.bellwether.workflows.chaos.BlastRadiusWorkflowImpl;
import io.bellwether.workflows.chaos.ChaosExperimentWorkflowImpl;
import io.bellwether.workflows.check.TargetCheckWorkflowImpl;
import io.bellwether.workflows.rolling.RollingDeploymentWorkflowImpl;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.micrometer.core.instrument.config.MeterFilter;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.spring.boot.TemporalOptionsCustomizer;
import io.temporal.spring.boot.WorkerOptionsCustomizer;
import io.temporal.spring.boot.autoconfigure.template.WorkersTemplate;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.PropertySource;

/**
 * Wires the Temporal Spring Boot starter to Bellwether's settings.
 *
 * <p>Why the embedded server is started from a bean rather than before the context: the starter
 * only needs {@code spring.temporal.connection.target} to be non-empty when its conditions are
 * evaluated (the defaults file sets a placeholder), while the real address is set by the service
 * stubs customizer below, which depends on {@link TemporalConnection}. Spring therefore starts the
 * server before the starter builds its stubs and stops it after the worker factory has shut down,
 * and the server sees the final environment, including properties tests add late
 * ({@code @DynamicPropertySource}), which an {@code EnvironmentPostProcessor} would not.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(BellwetherProperties.class)
@PropertySource("classpath:bellwether-worker-defaults.properties")
public class WorkerConfiguration {
  private static final Logger log = LoggerFactory.getLogger(WorkerConfiguration.class);

  /** The activity implementations; their existence means the whole configuration was accepted. */
  record ActivityImplementations(List<Object> objects) {}

  /**
   * Checks the {@code bellwether.temporal.*} settings and has the activities module build every
   * named adapter, and fails start-up with one {@link WorkerConfigurationException} listing all
   * problems from both.
   */
  @Bean
  ActivityImplementations bellwetherActivityImplementations(BellwetherProperties properties) {
    List<String> problems = new ArrayList<>(properties.temporal().problems());
    List<Object> objects = List.of();
    RuntimeException cause = null;
    try {
      objects = List.copyOf(BellwetherActivities.create(properties.toConfig()));
    } catch (RuntimeException e) {
      cause = e;
      problems.addAll(problemLines(e.getMessage()));
    }
    if (!problems.isEmpty()) {
      throw new WorkerConfigurationException(problems, cause);
    }
    return new ActivityImplementations(objects);
  }

  /**
   * The problems in a "header:" + one-per-line message, so that they line up with ours in one list;
   * any other message is one problem.
   */
  static List<String> problemLines(String message) {
    if (message == null || message.isBlank()) {
      return List.of("the activities module rejected the configuration without saying why");
    }
    List<String> lines = message.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    if (lines.size() < 2 || !lines.get(0).endsWith(":")) {
      return List.of(message.strip());
    }
    return lines.subList(1, lines.size()).stream()
        .map(l -> l.startsWith("- ") ? l.substring(2).strip() : l)
        .toList();
  }

  /** Takes the validated configuration so that a bad one is reported before a port is bound. */
  @Bean(destroyMethod = "close")
  TemporalConnection bellwetherTemporalConnection(
      BellwetherProperties properties, ActivityImplementations validated) {
    return TemporalConnection.open(properties.temporal());
  }

  /** Target, TLS and API key of the connection; applied after the starter's own settings. */
  @Bean
  TemporalOptionsCustomizer<WorkflowServiceStubsOptions.Builder> bellwetherServiceStubsCustomizer(
      TemporalConnection connection, BellwetherProperties properties) {
    BellwetherProperties.Temporal t = properties.temporal();
    SslContext ssl = connection.isEmbedded() || !t.tlsOn() ? null : TemporalTls.sslContext(t.tls());
    return builder -> {
      builder.setTarget(connection.target());
      if (connection.isEmbedded()) {
        // The embedded server wedges a run whose task cancels an activity that just finished.
        builder.addGrpcClientInterceptor(new StaleCancelRecovery());
        return builder;
      }
      if (t.tlsOn()) {
        if (ssl != null) {
          builder.setSslContext(ssl);
        } else {
          builder.setEnableHttps(true);
        }
        String serverName = t.tls().serverName();
        if (BellwetherProperties.notBlank(serverName)) {
          builder.setChannelInitializer(channel -> channel.overrideAuthority(serverName));
        }
      }
      if (t.hasApiKey()) {
        String key = t.apiKey();
        builder.addApiKey(() -> key);
      }
      return builder;
    };
  }

  /**
   * Sticky execution off sets the sticky schedule-to-start timeout to zero, so every workflow task
   * goes to the shared queue and any live worker can pick up a run after another was killed.
   */
  /** How long one workflow task may hold its thread before the SDK calls it a deadlock. */
  static final Duration DEADLOCK_DETECTION_TIMEOUT = Duration.ofSeconds(10);

  @Bean
  WorkerOptionsCustomizer bellwetherWorkerOptions(BellwetherProperties properties) {
    boolean sticky = properties.temporal().stickyExecutionOrDefault();
    return new WorkerOptionsCustomizer() {
      @Override
      public WorkerOptions.Builder customize(
          WorkerOptions.Builder builder, String workerName, String taskQueue) {
        if (!sticky && TaskQueues.BELLWETHER.equals(taskQueue)) {
          builder.setStickyQueueScheduleToStartTimeout(Duration.ZERO);
        }
        // Without a sticky cache every task replays the run's whole history; on a busy two-core
        // machine a long chaos journal took more than the default 1 s and the task failed as a
        // "potential deadlock", delaying restoration after a worker restart by seconds.
        builder.setDefaultDeadlockDetectionTimeout(DEADLOCK_DETECTION_TIMEOUT.toMillis());
        return builder;
      }
    };
  }

  /**
   * Temporal tags its long-request meter for updates with {@code update_name}, which other
   * requests lack; Prometheus rejects meters of one name with different tag keys and the whole
   * meter disappears. Dropping the tag keeps it.
   */
  @Bean
  MeterFilter temporalUpdateNameTagFilter() {
    return MeterFilter.ignoreTags("update_name");
  }

  /**
   * Registers the workflows and the activity objects on the starter's worker for the {@code
   * bellwether} queue. The activity objects come from the activities module, not from Spring
   * component scanning, so they are registered here, with the chaos experiments' lease activities,
   * which need the starter's client; the starter starts the factory once the application is ready,
   * after every bean exists.
   */
  @Bean
  BellwetherWorkerRegistration bellwetherWorkerRegistration(
      @Qualifier("temporalWorkersTemplate") WorkersTemplate workers,
      ActivityImplementations activities,
      TemporalConnection connection,
      BellwetherProperties properties,
      WorkflowClient client) {
    workers.getWorkers();
    Worker worker = workers.getWorkerFactory().getWorker(TaskQueues.BELLWETHER);
    worker.registerWorkflowImplementationTypes(WORKFLOW_TYPES.toArray(new Class<?>[0]));
    worker.registerActivitiesImplementations(activityObjects(activities, client).toArray());
    log.info(
        "Bellwether worker, {} mode: Temporal {}{}, namespace {}, task queue {}, sticky execution"
            + " {}; routers {}, pools {}, deployers {}, health checks {}, approver groups {},"
            + " identity keys {}, notifiers {}, notify {}, metrics providers {}, services {},"
            + " fault injectors {}",
        connection.isEmbedded() ? "embedded" : "cluster",
        connection.target(),
        connection.isEmbedded() ? " (in-process server)" : "",
        connection.namespace(),
        TaskQueues.BELLWETHER,
        properties.temporal().stickyExecutionOrDefault() ? "on" : "off",
        new TreeSet<>(properties.routers().keySet()),
        pools(properties),
        new TreeSet<>(properties.deployers().keySet()),
        new TreeSet<>(properties.healthChecks().keySet()),
        new TreeSet<>(properties.approvers().groups().keySet()),
        // Key ids only: the secrets never reach a log.
        new TreeSet<>(properties.identity().keys().keySet()),
        // Names only: a notifier URL is a credential.
        new TreeSet<>(properties.notifiers().keySet()),
        properties.notifyRoutes(),
        // Names only: a provider URL may hold a password.
        new TreeSet<>(properties.metrics().keySet()),
        // Names only: an endpoint URL may hold a password.
        new TreeSet<>(properties.services().keySet()),
        new TreeSet<>(properties.faultInjectors().keySet()));
    return new BellwetherWorkerRegistration(worker);
  }

  /** Every workflow implementation the worker runs. */
  static final List<Class<?>> WORKFLOW_TYPES =
      List.of(
          RollingDeploymentWorkflowImpl.class,
          BlueGreenDeploymentWorkflowImpl.class,
          CanaryReleaseWorkflowImpl.class,
          ABTestWorkflowImpl.class,
          TargetCheckWorkflowImpl.class,
          ChaosExperimentWorkflowImpl.class,
          BlastRadiusWorkflowImpl.class);

  /** The activities module's implementations, then the worker's own lease activities. */
  static List<Object> activityObjects(ActivityImplementations activities, WorkflowClient client) {
    List<Object> out = new ArrayList<>(activities.objects());
    out.add(new LeaseActivitiesImpl(client));
    return out;
  }

  /** {@code router/pool} for every configured blue-green pool, sorted. */
  static TreeSet<String> pools(BellwetherProperties properties) {
    TreeSet<String> out = new TreeSet<>();
    properties.routers().forEach(
        (router, config) -> config.pools().keySet().forEach(pool -> out.add(router + "/" + pool)));
    return out;
  }

  /** The worker on the {@code bellwether} queue, with everything registered. */
  public record BellwetherWorkerRegistration(Worker worker) {}
}
