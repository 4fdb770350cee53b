package io.bellwether.client;

import io.bellwether.contracts.check.TargetCheckRequest;
import io.bellwether.contracts.check.TargetCheckWorkflow;
import io.bellwether.contracts.spec.Violation;
import java.util.ArrayList;
import java.util.List;

/** A stand-in worker configuration that knows the router {@code edge}, the pool {@code shop},
 * the metrics provider {@code prom} and the split {@code exp}. */
public class FakeTargetCheckWorkflow implements TargetCheckWorkflow {
  static final String UNKNOWN_ROUTER = "no router with that name is configured";
  static final String UNKNOWN_METRICS = "no metrics provider with that name is configured";
  static final String UNKNOWN_SPLIT = "router 'edge' has no split with that name";

  @Override
  public List<Violation> check(TargetCheckRequest request) {
    List<Violation> out = new ArrayList<>();
    if (request.rolling() != null && !"edge".equals(request.rolling().router())) {
      out.add(new Violation("target.router", UNKNOWN_ROUTER));
    }
    if (request.blueGreen() != null && !"shop".equals(request.blueGreen().pool())) {
      out.add(new Violation("target.pool", "no pool with that name is configured"));
    }
    if (request.canary() != null && !"prom".equals(request.canary().metrics())) {
      out.add(new Violation("target.metrics", UNKNOWN_METRICS));
    }
    if (request.abTest() != null && !"exp".equals(request.abTest().split())) {
      out.add(new Violation("target.split", UNKNOWN_SPLIT));
    }
    return out;
  }
}
