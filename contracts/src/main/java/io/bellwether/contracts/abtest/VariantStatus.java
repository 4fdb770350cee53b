package io.bellwether.contracts.abtest;

import io.bellwether.contracts.rolling.InstanceStatus;
import java.util.List;

/**
 * One variant now.
 *
 * @param name the variant
 * @param version what it runs
 * @param control whether it is the control
 * @param share its planned share, percent
 * @param backend the split backend its instances are in
 * @param instances its instances (name, address, version, state)
 * @param exposures the last exposure count read
 * @param conversions the last conversion count read
 * @param requiredSampleSize exposures it needs before the fixed test may decide
 * @param stopped whether it was stopped (a guardrail broke); its users went back to stable
 * @param stopReason why it was stopped
 * @param points reads over time (thinned to at most {@value #MAX_POINTS} by dropping every other
 *     one when full)
 */
public record VariantStatus(
    String name,
    String version,
    boolean control,
    int share,
    String backend,
    List<InstanceStatus> instances,
    long exposures,
    long conversions,
    long requiredSampleSize,
    boolean stopped,
    String stopReason,
    List<VariantPoint> points) {
  public static final int MAX_POINTS = 240;

  /** conversions / exposures, 0 with no exposures. */
  public double rate() {
    return exposures == 0 ? 0 : (double) conversions / exposures;
  }
}
