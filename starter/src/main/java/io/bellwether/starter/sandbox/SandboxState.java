package io.bellwether.starter.sandbox;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code sandbox.json} holds. Mutable on purpose: it is saved after every process starts, so
 * a sandbox that failed half-way can still be taken down by a later {@code bellwether down}.
 * PIDs go with their start times, so a recycled PID is never mistaken for ours.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public final class SandboxState {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public String home;
  public String dir;
  public String createdAt;
  public String backend;
  public String router;
  public String deployer;
  public String healthCheck;
  public String version;

  public int temporalPort;
  public long temporalPid;
  public long temporalStartMillis;
  public String temporalLog;

  /** Instance name to 127.0.0.1:port, in backend order. */
  public Map<String, String> instances = new LinkedHashMap<>();
  public String instancesDir;
  public String demoAppJar;

  public int frontendPort;
  public String frontendUrl;
  public String haproxyDir;
  public String haproxyConfig;
  public String adminSocket;
  public String runtimeApi;
  public long haproxyPid;
  public long haproxyStartMillis;

  /** The blue-green pool: its own frontend, two backends of slots, and the map file it routes by. */
  public String pool;
  public String poolService;
  public int poolSlots;
  public int shopFrontendPort;
  public String shopFrontendUrl;
  public List<String> poolBackends = new ArrayList<>();
  public String poolMapFile;
  public String poolStateFile;
  /** Blue's instances: name to 127.0.0.1:port, in slot order (s1, s2, ...) of the live backend. */
  public Map<String, String> poolInstances = new LinkedHashMap<>();
  public String poolVersion;

  /**
   * The canary route on the main frontend: pool {@code web} routing between the backend {@code web}
   * (live) and the slot backend {@code web_canary} (candidate) by its map file.
   */
  public String canaryPool;
  public int canarySlots;
  public List<String> canaryBackends = new ArrayList<>();
  public String canaryMapFile;

  /**
   * The experiment split on the main frontend, ahead of the canary route: one slot backend per
   * variant ({@code web_ab_v1..v4}) and its map files.
   */
  public String split;
  public int splitSlots;
  public List<String> splitBackends = new ArrayList<>();
  public String splitMapFile;

  /**
   * Prometheus, scraping every demo-app instance through the target files in {@code
   * scrapeTargetsDir} (written by the deployer) and HAProxy's exporter on {@code
   * haproxyExporterPort}. The data directory is kept across a stop and start.
   */
  public int prometheusPort;
  public String prometheusUrl;
  public String prometheusDir;
  public String scrapeTargetsDir;
  public int scrapeIntervalSeconds;
  public int haproxyExporterPort;
  public long prometheusPid;
  public long prometheusStartMillis;
  public String prometheusLog;

  /** The detached background load process ({@code backgroundLoad} req/s); PID 0 when none. */
  public int backgroundLoad;
  public long loadPid;
  public long loadStartMillis;
  public String loadLog;

  /** Id of the per-sandbox identity key and the file that holds its secret (mode 600). */
  public String identityKeyId;
  public String identityKeyFile;

  /** Config-tree directory (mode 700) of the worker's notifier URL; null when none is set. */
  public String notifierSecretsDir;

  /**
   * The operator API process ({@code bellwether serve}). Its plain tokens live only in {@code
   * apiEnvFile} (mode 600); its secrets (identity key copy, chat signing secret) in the config
   * tree {@code apiSecretsDir} (mode 700, files mode 600). This file holds neither.
   */
  public int apiPort;
  public String apiUrl;
  public long apiPid;
  public long apiStartMillis;
  public String apiConfig;
  public String apiLog;
  public String apiJar;
  public String apiEnvFile;
  public String apiSecretsDir;

  /**
   * Chaos: HAProxy's latency-fault map file, the zone-cut injector's record, the directory of the
   * process-kill and stress injectors' records, and stress-ng's path (null when not installed).
   */
  public String latencyMapFile;
  public String maintenanceRecordFile;
  public String chaosDir;
  public String stressCommand;

  public int workerPort;
  public String workerActuatorUrl;
  public long workerPid;
  public long workerStartMillis;
  public String workerConfig;
  public String workerLog;
  public String workerJar;

  /** Writes atomically, so a reader never sees half a file. */
  public void save(Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    JSON.writeValue(tmp.toFile(), this);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Reads a saved state; IOException when missing or unreadable. */
  public static SandboxState read(Path file) throws IOException {
    return JSON.readValue(file.toFile(), SandboxState.class);
  }
}
