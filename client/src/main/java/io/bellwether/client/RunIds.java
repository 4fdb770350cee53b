package io.bellwether.client;

import io.bellwether.contracts.abtest.ABTestWorkflow;
import io.bellwether.contracts.bluegreen.BlueGreenDeploymentWorkflow;
import io.bellwether.contracts.canary.CanaryReleaseWorkflow;
import io.bellwether.contracts.chaos.ChaosExperimentWorkflow;
import io.bellwether.contracts.rolling.RollingDeploymentWorkflow;
import io.bellwether.contracts.spec.SpecValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads the service back out of a workflow id ({@code rolling-<service>-<version>}, {@code
 * bluegreen-<service>-<version>}, {@code canary-<service>-<version>}, {@code
 * abtest-<service>-<experiment>}, {@code chaos-<service>-<experiment>}). Service names, versions and
 * experiment names may all contain {@code -}, so an id can split more than one way; those ids are
 * called ambiguous here.
 */
final class RunIds {
  /**
   * What may follow {@code chaos-<service>-}: the experiment's name, and for runs a schedule started
   * a suffix such as {@code -schedule} or the scheduled time ({@code -2026-11-27T16:00:00Z}).
   */
  private static final Pattern CHAOS_TAIL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]*");

  private RunIds() {}

  /** The id prefix of a workflow type, or null for a type Bellwether does not name ids for. */
  static String prefix(String type) {
    if (RollingDeploymentWorkflow.TYPE.equals(type)) {
      return "rolling-";
    }
    if (BlueGreenDeploymentWorkflow.TYPE.equals(type)) {
      return "bluegreen-";
    }
    if (CanaryReleaseWorkflow.TYPE.equals(type)) {
      return "canary-";
    }
    if (ABTestWorkflow.TYPE.equals(type)) {
      return "abtest-";
    }
    if (ChaosExperimentWorkflow.TYPE.equals(type)) {
      return "chaos-";
    }
    return null;
  }

  /**
   * Every service name the id can be read as (a valid name followed by {@code -} and a valid
   * version, or for an A/B test a valid experiment name), shortest first; empty when the id is not
   * of that type's shape.
   */
  static List<String> candidates(String type, String workflowId) {
    String prefix = prefix(type);
    List<String> out = new ArrayList<>();
    if (prefix == null || workflowId == null || !workflowId.startsWith(prefix)) {
      return out;
    }
    String rest = workflowId.substring(prefix.length());
    Pattern tail =
        ABTestWorkflow.TYPE.equals(type)
            ? SpecValidator.NAME
            : ChaosExperimentWorkflow.TYPE.equals(type) ? CHAOS_TAIL : SpecValidator.VERSION;
    for (int i = rest.indexOf('-'); i > 0; i = rest.indexOf('-', i + 1)) {
      String service = rest.substring(0, i);
      String version = rest.substring(i + 1);
      if (SpecValidator.NAME.matcher(service).matches()
          && tail.matcher(version).matches()) {
        out.add(service);
      }
    }
    return out;
  }

  /**
   * The service of the id: the only way to read it, or, when there are several, the only one
   * whose version looks like a version ({@code 2.0.0}, {@code v2}); null when that does not
   * decide it or the id is not of that type's shape. An A/B test's or a chaos experiment's name
   * has no shape to tell it by, so an ambiguous {@code abtest-} or {@code chaos-} id gives null
   * (its status query knows).
   */
  static String service(String type, String workflowId) {
    List<String> all = candidates(type, workflowId);
    if (all.size() <= 1) {
      return all.isEmpty() ? null : all.get(0);
    }
    if (ABTestWorkflow.TYPE.equals(type) || ChaosExperimentWorkflow.TYPE.equals(type)) {
      return null;
    }
    int skip = prefix(type).length();
    String found = null;
    for (String s : all) {
      String version = workflowId.substring(skip + s.length() + 1);
      if (version.matches("[vV]?[0-9].*")) {
        if (found != null) {
          return null;
        }
        found = s;
      }
    }
    return found;
  }
}
