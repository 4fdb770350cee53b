package io.bellwether.contracts.chaos;

/**
 * The error budget as the run saw it.
 *
 * @param objective the service's SLO objective (0 when the service has none)
 * @param remainingAtStart requests the SLO still allowed when the experiment started (null when
 *     unknown)
 * @param allowance what the experiment may burn, in requests (null when unbounded)
 * @param burned failed requests since the first injection
 * @param seen requests since the first injection
 */
public record BudgetStatus(
    double objective, Double remainingAtStart, Double allowance, double burned, double seen) {
  public static BudgetStatus none() {
    return new BudgetStatus(0, null, null, 0, 0);
  }
}
