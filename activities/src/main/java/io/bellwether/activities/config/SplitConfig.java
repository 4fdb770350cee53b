package io.bellwether.activities.config;

import java.util.List;
import org.springframework.boot.context.properties.bind.ConstructorBinding;

/**
 * An experiment split in a router: one slot backend per variant and the map files that assign
 * users to them, on the router's main frontend ahead of its other routing. The map files are
 * {@code mapFile} (named {@code <split>.map}: {@code <split>.open}, {@code <split>.salt}, {@code
 * <split>.stickiness}) and, in the same directory, {@code <split>.users.map}, {@code
 * <split>.seg-header.map}, {@code <split>.seg-cookie.map}, {@code <split>.sticky.map}, {@code
 * <split>.buckets.map} and {@code <split>.names.map}; all are rewritten on every change.
 *
 * <p>The header and cookie names say what the router's configuration matches on; Bellwether only
 * writes the maps, so they must agree with {@code haproxy.cfg}. Each defaults to what {@code
 * HaproxyLauncher} generates.
 *
 * @param backends the variant backends, in order (variant {@code i} of a test gets backend {@code
 *     i}), such as {@code ab_v1}, {@code ab_v2}; at least two
 * @param mapFile the split's own map file, as named in the HAProxy configuration
 * @param stateFile HAProxy's {@code server-state-file}, so slots filled at run time survive a reload
 * @param stickyCookie the cookie keeping a random draw: {@code <salt>.<backend>}; default {@code
 *     bw_ab}
 * @param userHeader the request header with the user id (forced users, hash); default {@code
 *     x-user-id}
 * @param segmentHeader the request header whose value selects a segment; default {@code
 *     x-bellwether-segment}
 * @param segmentCookie the cookie whose value selects a segment; default {@code bellwether_segment}
 */
public record SplitConfig(
    List<String> backends,
    String mapFile,
    String stateFile,
    String stickyCookie,
    String userHeader,
    String segmentHeader,
    String segmentCookie) {
  public static final String DEFAULT_STICKY_COOKIE = "bw_ab";
  public static final String DEFAULT_USER_HEADER = "x-user-id";
  public static final String DEFAULT_SEGMENT_HEADER = "x-bellwether-segment";
  public static final String DEFAULT_SEGMENT_COOKIE = "bellwether_segment";

  // Two constructors: the binder must be told which one the properties fill.
  @ConstructorBinding
  public SplitConfig {
    backends = backends == null ? List.of() : List.copyOf(backends);
    stickyCookie = orDefault(stickyCookie, DEFAULT_STICKY_COOKIE);
    userHeader = orDefault(userHeader, DEFAULT_USER_HEADER);
    segmentHeader = orDefault(segmentHeader, DEFAULT_SEGMENT_HEADER);
    segmentCookie = orDefault(segmentCookie, DEFAULT_SEGMENT_COOKIE);
  }

  /** With the default header and cookie names. */
  public SplitConfig(List<String> backends, String mapFile, String stateFile) {
    this(backends, mapFile, stateFile, null, null, null, null);
  }

  private static String orDefault(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value;
  }
}
