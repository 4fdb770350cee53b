package io.bellwether.starter.api;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The API's four roles and what each may do: the one rule book for bearer callers and chat users.
 * {@code viewer} reads; {@code deployer} reads, starts, pauses, resumes, rolls back and promotes;
 * {@code approver} reads, approves, rejects and rolls back; {@code admin} does everything.
 */
public final class Roles {
  public static final String VIEWER = "viewer";
  public static final String DEPLOYER = "deployer";
  public static final String APPROVER = "approver";
  public static final String ADMIN = "admin";

  public static final Set<String> ALL = Set.of(VIEWER, DEPLOYER, APPROVER, ADMIN);

  /** Reading runs: status, list and events. */
  public static final String READ = "read";
  /** Starting a run. */
  public static final String START = "start";

  /** The operator controls, as path segments and as the runs' own action names. */
  public static final List<String> CONTROLS =
      List.of("approve", "reject", "pause", "resume", "rollback", "promote");

  private static final Map<String, List<String>> ALLOWED =
      Map.of(
          READ, List.of(VIEWER, DEPLOYER, APPROVER, ADMIN),
          START, List.of(DEPLOYER, ADMIN),
          "approve", List.of(APPROVER, ADMIN),
          "reject", List.of(APPROVER, ADMIN),
          "rollback", List.of(DEPLOYER, APPROVER, ADMIN),
          "pause", List.of(DEPLOYER, ADMIN),
          "resume", List.of(DEPLOYER, ADMIN),
          "promote", List.of(DEPLOYER, ADMIN));

  private Roles() {}

  /** The roles that may do {@code what} (READ, START or a control); empty for anything else. */
  public static List<String> allowedFor(String what) {
    return ALLOWED.getOrDefault(what, List.of());
  }

  /** Whether someone holding {@code roles} may do {@code what}. */
  public static boolean allows(Collection<String> roles, String what) {
    for (String r : allowedFor(what)) {
      if (roles.contains(r)) {
        return true;
      }
    }
    return false;
  }

  /** A role name as configured, normalised for comparison. */
  public static String normalise(String role) {
    return role == null ? "" : role.strip().toLowerCase(Locale.ROOT);
  }
}
