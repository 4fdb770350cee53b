package io.bellwether.demo;

import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

/**
 * The shop's A/B counters in the Prometheus text format: {@code ab_exposures_total} (shop pages
 * shown) and {@code ab_conversions_total} (orders placed), labelled with the version, the variant
 * the router assigned and whether that assignment was randomized.
 *
 * <p>The variant comes from a request header, so a client could otherwise create a series per
 * request. Label values are therefore sanitized ({@link #variantLabel}) and at most {@link
 * #MAX_VARIANT_LABELS} distinct variants get their own series; any later one is counted as {@code
 * other}. Behind HAProxy the header is set by the router (incoming copies are deleted first), so in
 * practice the values are the test's variant names.
 */
public final class ShopMetrics {
  /** Counter of {@code GET /shop} answered 200; labels {@code version}, {@code variant}, {@code randomized}. */
  public static final String EXPOSURES = "ab_exposures_total";

  /** Counter of {@code POST /shop/checkout} answered 200; same labels as {@link #EXPOSURES}. */
  public static final String CONVERSIONS = "ab_conversions_total";

  /** Request header naming the variant the router assigned. */
  public static final String VARIANT_HEADER = "x-bellwether-variant";

  /** Request header naming how the router assigned it: forced, segment, cookie, hash or random. */
  public static final String ASSIGNMENT_HEADER = "x-bellwether-assignment";

  /** Variant label of a request that carries no variant header (outside any test). */
  public static final String NO_VARIANT = "none";

  /** Variant label of a header value that is malformed or over the distinct-variant limit. */
  public static final String OTHER_VARIANT = "other";

  /** Longest variant label kept as it is. */
  public static final int MAX_LABEL_LENGTH = 64;

  /** Most distinct variant labels, {@code none} and {@code other} not included. */
  public static final int MAX_VARIANT_LABELS = 32;

  /** Assignments that put a user in a variant by chance: only those units enter the statistics. */
  public static final Set<String> RANDOMIZED_ASSIGNMENTS = Set.of("hash", "random", "cookie");

  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_LABEL_LENGTH + "}");

  private record Key(String variant, boolean randomized) {}

  private static final Comparator<Key> ORDER =
      Comparator.comparing(Key::variant).thenComparing(Key::randomized);

  private final String version;
  private final ConcurrentMap<Key, LongAdder> exposures = new ConcurrentHashMap<>();
  private final ConcurrentMap<Key, LongAdder> conversions = new ConcurrentHashMap<>();
  private final Set<String> admitted = new HashSet<>();

  public ShopMetrics(String version) {
    this.version = version;
  }

  /**
   * The variant label of a header value: {@code none} when missing or blank, the trimmed value
   * when it is 1 to 64 characters of {@code [A-Za-z0-9._-]}, else {@code other}.
   */
  public static String variantLabel(String header) {
    if (header == null || header.isBlank()) {
      return NO_VARIANT;
    }
    String v = header.strip();
    return LABEL.matcher(v).matches() ? v : OTHER_VARIANT;
  }

  /** Whether an assignment header names a randomized assignment (hash, random or cookie). */
  public static boolean randomized(String assignmentHeader) {
    return assignmentHeader != null
        && RANDOMIZED_ASSIGNMENTS.contains(assignmentHeader.strip().toLowerCase(Locale.ROOT));
  }

  /**
   * The label this server counts a variant header under: {@link #variantLabel} and, once {@link
   * #MAX_VARIANT_LABELS} distinct variants were seen, {@code other} for any new one. Thread-safe.
   */
  public String variantOf(String header) {
    String label = variantLabel(header);
    if (label.equals(NO_VARIANT) || label.equals(OTHER_VARIANT)) {
      return label;
    }
    synchronized (admitted) {
      if (admitted.contains(label)) {
        return label;
      }
      if (admitted.size() < MAX_VARIANT_LABELS) {
        admitted.add(label);
        return label;
      }
    }
    return OTHER_VARIANT;
  }

  /** Counts one shop page shown. {@code variant} is a label from {@link #variantOf}. */
  public void exposure(String variant, boolean randomized) {
    exposures.computeIfAbsent(new Key(variant, randomized), k -> new LongAdder()).increment();
  }

  /** Counts one order placed. {@code variant} is a label from {@link #variantOf}. */
  public void conversion(String variant, boolean randomized) {
    conversions.computeIfAbsent(new Key(variant, randomized), k -> new LongAdder()).increment();
  }

  /** Exposures counted so far under one label pair; 0 when none. */
  public long exposures(String variant, boolean randomized) {
    LongAdder n = exposures.get(new Key(variant, randomized));
    return n == null ? 0 : n.sum();
  }

  /** Conversions counted so far under one label pair; 0 when none. */
  public long conversions(String variant, boolean randomized) {
    LongAdder n = conversions.get(new Key(variant, randomized));
    return n == null ? 0 : n.sum();
  }

  /**
   * The exposition text of both counters. A counter with nothing counted yet has its HELP and TYPE
   * lines but no series: Prometheus then answers an empty vector, which A/B queries read as 0.
   */
  public String scrape() {
    StringBuilder out = new StringBuilder(512);
    write(out, EXPOSURES, "Shop pages shown (GET /shop answered 200), by A/B variant.", exposures);
    write(
        out,
        CONVERSIONS,
        "Orders placed (POST /shop/checkout answered 200), by A/B variant.",
        conversions);
    return out.toString();
  }

  private void write(StringBuilder out, String name, String help, Map<Key, LongAdder> counts) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" counter\n");
    List<Key> keys = counts.keySet().stream().sorted(ORDER).toList();
    for (Key k : keys) {
      // Labels are sanitized to [A-Za-z0-9._-]; only the version needs escaping.
      out.append(name)
          .append("{version=\"")
          .append(HttpMetrics.escape(version))
          .append("\",variant=\"")
          .append(k.variant())
          .append("\",randomized=\"")
          .append(k.randomized())
          .append("\"} ")
          .append(counts.get(k).sum())
          .append('\n');
    }
  }
}
