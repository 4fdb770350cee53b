package io.bellwether.contracts.canary;

import io.bellwether.contracts.rolling.Phase;
import java.util.List;

/**
 * Result of a canary run.
 *
 * @param service the service
 * @param version the canary version
 * @param outcome SUCCEEDED (every instance at the new version), ROLLED_BACK, FAILED or ABORTED
 * @param reason why, for anything but SUCCEEDED
 * @param analyses every analysis
 * @param promotion the child rolling deployment's workflow id, when promotion ran
 * @param firstTrafficMillis workflow time the canary first got traffic (0 if never)
 * @param stableOnlyMillis workflow time traffic was back on stable only after a rollback (0 if not)
 */
public record CanaryResult(
    String service,
    String version,
    Phase outcome,
    String reason,
    List<AnalysisRecord> analyses,
    String promotion,
    long firstTrafficMillis,
    long stableOnlyMillis) {}
