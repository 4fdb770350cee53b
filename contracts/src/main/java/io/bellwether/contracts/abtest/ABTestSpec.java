package io.bellwether.contracts.abtest;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.bellwether.contracts.gate.ApprovalGateSpec;
import io.bellwether.contracts.spec.Durations;
import io.bellwether.contracts.spec.HealthCheckSpec;
import io.bellwether.contracts.spec.RollingStrategy;
import io.bellwether.contracts.spec.SmokeCheckSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Input of {@code ABTest}: two or more variants, each deployed on instances of its own behind the
 * router's split, users assigned to them by share (a hash of the user id, or a random draw kept in
 * a cookie) or by explicit segments, a goal metric counted per variant, guardrails, and a
 * statistical plan fixed before any data is seen. Plain JSON, typed by hand in {@code temporal
 * workflow start --type ABTest --input}.
 *
 * @param service the service under test
 * @param name the experiment's name (with the service it names the run: {@code
 *     abtest-<service>-<name>}); letters, digits, {@code . _ -}
 * @param hypothesis what the experiment expects, in words (recorded and reported)
 * @param requestedBy who asked (recorded; four-eyes at the confirm gate)
 * @param target configured names
 * @param variants the control first, then one to {@value ABTestSpecValidator#MAX_VARIANTS} - 1
 *     treatments
 * @param assignment how users are assigned to shares; default hash of the user id
 * @param goal the conversion metric the test decides on
 * @param guardrails metrics that stop a variant early when broken, whatever its conversions
 * @param plan the statistical plan: baseline rate, minimum detectable effect, alpha, power,
 *     expected traffic and method
 * @param interval how often counts and guardrails are read; default 1m
 * @param maxDuration the longest the test collects data; the plan must reach its sample size in it
 * @param minDuration the shortest it collects, even when the sample size is reached earlier (for
 *     weekly cycles); default 0
 * @param confirm an optional gate: a person confirms the decision before it is applied
 * @param onWinner {@code rollout} (default: the winning treatment is rolled out to the stable
 *     backend by a child rolling deployment) or {@code revert} (decide and report only)
 * @param rollout the rolling child's strategy; default maxUnavailable 1, no bake
 * @param drainTimeout for the rolling child and for removing variant instances; default 30s
 * @param healthCheck every variant instance must pass it before the split opens (and the rolling
 *     child uses it)
 * @param smokeCheck optional, the rolling child's smoke check
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ABTestSpec(
    String service,
    String name,
    String hypothesis,
    String requestedBy,
    ABTestTarget target,
    List<Variant> variants,
    Assignment assignment,
    GoalMetric goal,
    List<Guardrail> guardrails,
    StatsPlan plan,
    String interval,
    String maxDuration,
    String minDuration,
    ApprovalGateSpec confirm,
    String onWinner,
    RollingStrategy rollout,
    String drainTimeout,
    HealthCheckSpec healthCheck,
    SmokeCheckSpec smokeCheck,
    @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) {
  public static final String KIND = "ABTest";
  public static final String ON_WINNER_ROLLOUT = "rollout";
  public static final String ON_WINNER_REVERT = "revert";

  public ABTestSpec {
    variants = variants == null ? null : List.copyOf(variants);
    guardrails = guardrails == null ? List.of() : List.copyOf(guardrails);
    unknownFields = unknownFields == null ? Map.of() : unknownFields;
  }

  /** The control: the first variant. */
  @JsonIgnore
  public Variant control() {
    return variants.get(0);
  }

  /** The treatments: every variant after the first. */
  @JsonIgnore
  public List<Variant> treatments() {
    return variants.subList(1, variants.size());
  }

  public Assignment assignmentOrDefault() {
    return assignment == null ? Assignment.defaults() : assignment;
  }

  public Duration intervalOrDefault() {
    return Durations.parseOr(interval, Duration.ofMinutes(1));
  }

  public Duration minDurationOrDefault() {
    return Durations.parseOr(minDuration, Duration.ZERO);
  }

  public String onWinnerOrDefault() {
    return onWinner == null || onWinner.isBlank() ? ON_WINNER_ROLLOUT : onWinner;
  }

  public RollingStrategy rolloutOrDefault() {
    return rollout == null ? RollingStrategy.defaults() : rollout;
  }
}
