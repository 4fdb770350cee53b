package io.bellwether.contracts.check;

import io.bellwether.contracts.spec.Violation;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

/**
 * A short read-only run that checks a spec's names (router, pool, backend, deployer, health check)
 * against the worker's configuration, so that an API can refuse a spec naming something the worker
 * does not know before any run starts. Only the worker holds the configuration; this asks it.
 */
@WorkflowInterface
public interface TargetCheckWorkflow {
  String TYPE = "TargetCheck";
  /** Workflow id prefix; the rest is random, one run per check. */
  String ID_PREFIX = "targetcheck-";

  /** Every unknown or mismatched name as a violation with its field path; empty when all known. */
  @WorkflowMethod(name = TYPE)
  List<Violation> check(TargetCheckRequest request);
}
