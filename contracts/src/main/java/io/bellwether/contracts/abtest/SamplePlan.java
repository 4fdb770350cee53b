package io.bellwether.contracts.abtest;

/**
 * The sample size a plan needs, worked out before the test starts.
 *
 * @param perVariant exposures each variant needs (control and every treatment)
 * @param alphaPerComparison alpha for one treatment against control (alpha / treatments)
 * @param power the planned power
 * @param baselineRate the control's expected rate
 * @param targetRate the rate the plan must tell apart from it
 * @param expectedMinutes minutes the slowest variant needs at its share and the expected traffic
 */
public record SamplePlan(
    long perVariant,
    double alphaPerComparison,
    double power,
    double baselineRate,
    double targetRate,
    double expectedMinutes) {}
