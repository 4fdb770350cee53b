package io.bellwether.contracts.abtest;

/**
 * One treatment against the control on the goal metric.
 *
 * @param treatment the treatment's name
 * @param controlRate the control's conversion rate
 * @param treatmentRate the treatment's
 * @param difference treatment rate minus control rate (absolute effect)
 * @param relativeLift difference / control rate (NaN when the control rate is 0)
 * @param ciLow lower end of the confidence interval of the difference, at the corrected level
 * @param ciHigh upper end
 * @param confidence the interval's level, such as 0.95 (or 0.975 with two treatments)
 * @param pValue the test's p-value (two-sided; the always-valid one with the sequential method)
 * @param adjustedPValue after the multiple-comparison correction (Holm); equals pValue with one
 *     treatment
 * @param significant adjustedPValue below alpha
 * @param zScore the two-proportion z statistic (pooled)
 */
public record Comparison(
    String treatment,
    double controlRate,
    double treatmentRate,
    double difference,
    double relativeLift,
    double ciLow,
    double ciHigh,
    double confidence,
    double pValue,
    double adjustedPValue,
    boolean significant,
    double zScore) {}
