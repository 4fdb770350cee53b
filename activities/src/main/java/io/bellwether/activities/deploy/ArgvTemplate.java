package io.bellwether.activities.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An argv template from configuration. Placeholders are replaced inside each argument on its own,
 * in one pass, and the result goes to the process directly with no shell: a value holding spaces,
 * quotes or {@code ;} stays one argument and is never interpreted.
 */
public final class ArgvTemplate {
  /** The placeholders a template may use. */
  public static final List<String> PLACEHOLDERS =
      List.of("instance", "host", "port", "address", "version");

  private static final Pattern PLACEHOLDER =
      Pattern.compile("\\{(instance|host|port|address|version)}");

  private ArgvTemplate() {}

  /**
   * The template with placeholders filled in. {@code {host}} and {@code {port}} come from {@code
   * address} split at its last colon ({@code {port}} is empty when there is none). Unknown {@code
   * {...}} text is left as is. A value is inserted literally, so one holding a placeholder is not
   * expanded again.
   */
  public static List<String> expand(
      List<String> template, String instance, String address, String version) {
    String addr = address == null ? "" : address;
    int colon = addr.lastIndexOf(':');
    String host = colon < 0 ? addr : addr.substring(0, colon);
    String port = colon < 0 ? "" : addr.substring(colon + 1);
    Map<String, String> values =
        Map.of(
            "instance", nz(instance),
            "host", host,
            "port", port,
            "address", addr,
            "version", nz(version));
    List<String> out = new ArrayList<>(template.size());
    for (String arg : template) {
      Matcher m = PLACEHOLDER.matcher(arg);
      StringBuilder sb = new StringBuilder();
      while (m.find()) {
        m.appendReplacement(sb, Matcher.quoteReplacement(values.get(m.group(1))));
      }
      m.appendTail(sb);
      out.add(sb.toString());
    }
    return out;
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
