package io.bellwether.activities.haproxy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the runtime API's tables by their header names, never by column position: the column set
 * grows between HAProxy versions and builds.
 */
public final class HaproxyStatParser {
  private HaproxyStatParser() {}

  /**
   * Rows of a {@code show stat} answer (CSV whose header line starts with {@code # }), each a map
   * from header name to value; an empty value is an empty string. Quoted fields (HAProxy quotes
   * values that hold commas or quotes) are unquoted. Returns an empty list for a table with no
   * rows; throws {@link IllegalArgumentException} when the text has no header, which means HAProxy
   * answered with an error message instead.
   */
  public static List<Map<String, String>> parseStat(String text) {
    List<String> lines = lines(text);
    int headerAt = headerLine(lines, text);
    List<String> header = splitCsv(lines.get(headerAt).substring(2));
    List<Map<String, String>> rows = new ArrayList<>();
    for (String line : lines.subList(headerAt + 1, lines.size())) {
      if (!line.isBlank()) {
        rows.add(zip(header, splitCsv(line)));
      }
    }
    return rows;
  }

  /**
   * Rows of a {@code show servers state [backend]} answer: a format version line ({@code 1}), a
   * header line {@code # be_id be_name srv_id ...}, then space-separated rows. A {@code -} value
   * (HAProxy's "none") is returned as an empty string. Throws {@link IllegalArgumentException} when
   * there is no header, as for {@link #parseStat}.
   */
  public static List<Map<String, String>> parseServersState(String text) {
    List<String> lines = lines(text);
    int headerAt = headerLine(lines, text);
    List<String> header = Arrays.asList(lines.get(headerAt).substring(2).trim().split("\\s+"));
    List<Map<String, String>> rows = new ArrayList<>();
    for (String line : lines.subList(headerAt + 1, lines.size())) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      List<String> values = new ArrayList<>(Arrays.asList(line.trim().split("\\s+")));
      values.replaceAll(v -> v.equals("-") ? "" : v);
      rows.add(zip(header, values));
    }
    return rows;
  }

  private static List<String> lines(String text) {
    return text == null ? List.of() : Arrays.asList(text.split("\r?\n"));
  }

  private static int headerLine(List<String> lines, String text) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("# ")) {
        return i;
      }
    }
    String first = text == null ? "" : text.strip();
    throw new IllegalArgumentException(
        "not a table: " + (first.length() > 200 ? first.substring(0, 200) + "..." : first));
  }

  /**
   * Short rows (older HAProxy, or a field HAProxy leaves out) get empty values; extra values beyond
   * the header are dropped.
   */
  private static Map<String, String> zip(List<String> header, List<String> values) {
    Map<String, String> row = new LinkedHashMap<>();
    for (int i = 0; i < header.size(); i++) {
      String name = header.get(i);
      if (name.isEmpty()) {
        continue;
      }
      row.put(name, i < values.size() ? values.get(i) : "");
    }
    return row;
  }

  static List<String> splitCsv(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
            cur.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          cur.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    // HAProxy ends every CSV line with a comma, so a trailing empty field is not a column.
    if (cur.length() > 0 || quoted) {
      out.add(cur.toString());
    }
    return out;
  }
}
