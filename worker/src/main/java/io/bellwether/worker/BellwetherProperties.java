package io.bellwether.worker;

import io.bellwether.activities.config.ApproversConfig;
import io.bellwether.activities.config.BellwetherConfig;
import io.bellwether.activities.config.DeployerConfig;
import io.bellwether.activities.config.FaultInjectorConfig;
import io.bellwether.activities.config.HealthCheckConfig;
import io.bellwether.activities.config.IdentityConfig;
import io.bellwether.activities.config.MetricsConfig;
import io.bellwether.activities.config.NotifierConfig;
import io.bellwether.activities.config.NotifyRoutes;
import io.bellwether.activities.config.RouterConfig;
import io.bellwether.activities.config.ServiceConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.bind.Name;

/**
 * The worker's {@code bellwether.*} settings: how to reach Temporal, and the named routers,
 * deployers, health checks, approver groups, identity keys, metrics providers, services and fault
 * injectors that specs may refer to, and where run notifications go.
 *
 * <p>Secrets (the Temporal API key, identity keys, notifier URLs) are bound here but never
 * printed: {@link #toString()} of every part that holds one names the keys only, and shows a
 * notifier URL as scheme and host.
 *
 * @param temporal connection to Temporal
 * @param routers {@code bellwether.routers.<name>.{type,runtime-api,command-timeout}},
 *     blue-green pools {@code bellwether.routers.<name>.pools.<pool>.{backends,map-file,state-file}}
 *     and experiment splits {@code
 *     bellwether.routers.<name>.splits.<split>.{backends,map-file,state-file,sticky-cookie,
 *     user-header,segment-header,segment-cookie}} (the last four default to {@code bw_ab}, {@code
 *     x-user-id}, {@code x-bellwether-segment} and {@code bellwether_segment})
 * @param deployers {@code bellwether.deployers.<name>.{type,command,version-command,work-dir,timeout,
 *     provision-command,decommission-command}}
 * @param healthChecks {@code bellwether.health-checks.<name>.{type,scheme,request-timeout}}
 * @param approvers {@code bellwether.approvers.groups.<group>: [user, ...]}
 * @param identity {@code bellwether.identity.keys.<keyId>: secret} and {@code
 *     bellwether.identity.max-age}
 * @param notifiers {@code bellwether.notifiers.<name>.{type,url,timeout}}: notification
 *     destinations; {@code url} is a secret
 * @param notifyRoutes {@code bellwether.notify.default} and {@code
 *     bellwether.notify.services.<service>}: notifier names per service
 * @param metrics {@code bellwether.metrics.<name>.{type,url,timeout}}: metrics providers that
 *     canary analyses query; a URL may hold a password and prints as scheme and host
 * @param services {@code bellwether.services.<name>.{router,backend,metrics,zones.<zone>,
 *     endpoints.<endpoint>,slo.{objective,window,total,errors},max-impaired-share}}: the services
 *     chaos experiments act on; an endpoint URL may hold a password and prints as scheme and host
 * @param faultInjectors {@code bellwether.fault-injectors.<name>.{type,router,map-file,state-file,
 *     deployer,stop-command,start-command,path,command,work-dir,namespace}}: the faults chaos
 *     experiments may inject
 */
@ConfigurationProperties("bellwether")
public record BellwetherProperties(
    @DefaultValue Temporal temporal,
    Map<String, RouterConfig> routers,
    Map<String, DeployerConfig> deployers,
    Map<String, HealthCheckConfig> healthChecks,
    ApproversConfig approvers,
    IdentityConfig identity,
    Map<String, NotifierConfig> notifiers,
    // "notify" itself cannot name a record component: Object.notify() has it.
    @Name("notify") NotifyRoutes notifyRoutes,
    Map<String, MetricsConfig> metrics,
    Map<String, ServiceConfig> services,
    Map<String, FaultInjectorConfig> faultInjectors) {

  public BellwetherProperties {
    routers = routers == null ? Map.of() : routers;
    deployers = deployers == null ? Map.of() : deployers;
    healthChecks = healthChecks == null ? Map.of() : healthChecks;
    approvers = approvers == null ? new ApproversConfig(null) : approvers;
    identity = identity == null ? new IdentityConfig(null, null) : identity;
    notifiers = notifiers == null ? Map.of() : notifiers;
    notifyRoutes = notifyRoutes == null ? NotifyRoutes.none() : notifyRoutes;
    metrics = metrics == null ? Map.of() : metrics;
    services = services == null ? Map.of() : services;
    faultInjectors = faultInjectors == null ? Map.of() : faultInjectors;
  }

  /** The part the activities module builds its adapters from. */
  public BellwetherConfig toConfig() {
    return new BellwetherConfig(
        routers,
        deployers,
        healthChecks,
        approvers,
        identity,
        notifiers,
        notifyRoutes,
        metrics,
        services,
        faultInjectors);
  }

  /**
   * @param address {@code host:port} of a Temporal frontend; empty starts the embedded server in
   *     this process on 127.0.0.1:{@code embeddedPort}
   * @param namespace Temporal namespace
   * @param apiKey API key sent with every call (Temporal Cloud); turns TLS on unless {@code
   *     tls.enabled} is explicitly false
   * @param tls TLS and mTLS to the frontend
   * @param stickyExecution whether workflow tasks prefer the worker that ran the run last; null
   *     means off when embedded and on with an address. The embedded server never moves a task
   *     off a dead worker's sticky queue, so a killed worker would wedge its runs.
   * @param embeddedPort port of the embedded server; 0 picks a free one
   */
  public record Temporal(
      String address,
      @DefaultValue("default") String namespace,
      String apiKey,
      @DefaultValue Tls tls,
      Boolean stickyExecution,
      @DefaultValue("7233") int embeddedPort) {

    // The API key is a credential: a printed configuration shows whether one is set, not what.
    @Override
    public String toString() {
      return "Temporal[address=" + address + ", namespace=" + namespace + ", apiKey="
          + (hasApiKey() ? "(set)" : "(none)") + ", tls=" + tls + ", stickyExecution="
          + stickyExecution + ", embeddedPort=" + embeddedPort + "]";
    }

    /** Whether this worker runs the Temporal server itself (no address configured). */
    public boolean embedded() {
      return address == null || address.isBlank();
    }

    /** The sticky setting in force: as configured, else off when embedded and on otherwise. */
    public boolean stickyExecutionOrDefault() {
      return stickyExecution != null ? stickyExecution : !embedded();
    }

    /** Whether an API key is configured. */
    public boolean hasApiKey() {
      return apiKey != null && !apiKey.isBlank();
    }

    /** TLS is on when asked for, or by default when an API key is set. */
    public boolean tlsOn() {
      return tls.enabled() != null ? tls.enabled() : hasApiKey();
    }

    /** Every problem with these settings as {@code property: reason}; empty when usable. */
    public List<String> problems() {
      List<String> out = new ArrayList<>();
      String p = "bellwether.temporal.";
      if (namespace == null || namespace.isBlank()) {
        out.add(p + "namespace: must not be empty");
      }
      if (embedded()) {
        if (embeddedPort < 0 || embeddedPort > 65535) {
          out.add(p + "embedded-port: must be 0 to 65535, got " + embeddedPort);
        }
        if (hasApiKey() || Boolean.TRUE.equals(tls.enabled())) {
          out.add(
              p + "address: is empty (embedded server), but api-key or tls is set; "
                  + "name the cluster's address to use them");
        }
      } else if (!address.trim().matches("(\\[[0-9A-Fa-f:.]+\\]|[^\\s:/\\[\\]]+):\\d{1,5}")) {
        out.add(p + "address: must be host:port, got '" + address + "'");
      }
      if (tlsOn()) {
        boolean cert = notBlank(tls.certChainFile());
        boolean key = notBlank(tls.keyFile());
        if (cert != key) {
          out.add(p + "tls: cert-chain-file and key-file go together (mTLS); set both or neither");
        }
      }
      return out;
    }
  }

  /**
   * @param enabled TLS to the frontend; null means on exactly when an API key is set
   * @param certChainFile client certificate chain, PEM, for mTLS
   * @param keyFile client private key, PKCS#8 PEM, for mTLS
   * @param caFile CA certificates, PEM, that the server's certificate must chain to; the JVM's
   *     trust store when empty
   * @param serverName name expected in the server's certificate, when it differs from the host
   */
  public record Tls(
      Boolean enabled, String certChainFile, String keyFile, String caFile, String serverName) {}

  static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }
}
