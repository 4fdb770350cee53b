package io.bellwether.contracts.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Seeded, reproducible choice of a fault step's targets. */
class TargetSelectionTest {
  /** web-1..web-n, the first half in zone a and the rest in zone b, in a shuffled order. */
  static List<FaultTarget> fleet(int n) {
    List<FaultTarget> out = new ArrayList<>();
    for (int i = n; i >= 1; i--) {
      out.add(new FaultTarget("web-" + i, "edge", "web", "web-" + i, i <= n / 2 ? "a" : "b"));
    }
    return out;
  }

  static List<String> names(List<FaultTarget> targets) {
    return targets.stream().map(FaultTarget::name).toList();
  }

  static TargetSelector count(int n, Long seed) {
    return new TargetSelector(null, null, n, null, seed);
  }

  @Test
  void theSameSeedPicksTheSameTargets() {
    for (long seed = 0; seed < 50; seed++) {
      List<FaultTarget> first = TargetSelection.select(fleet(10), count(3, seed), seed);
      List<FaultTarget> again = TargetSelection.select(fleet(10), count(3, seed), seed);
      assertEquals(first, again);
    }
  }

  @Test
  void theCandidatesOrderDoesNotMatter() {
    List<FaultTarget> reversed = new ArrayList<>(fleet(10));
    java.util.Collections.reverse(reversed);
    assertEquals(
        TargetSelection.select(fleet(10), count(3, null), 99),
        TargetSelection.select(reversed, count(3, null), 99));
  }

  @Test
  void differentSeedsSpreadOverEveryServer() {
    Map<String, Integer> picked = new HashMap<>();
    Set<List<String>> distinct = new HashSet<>();
    for (long seed = 0; seed < 400; seed++) {
      List<String> t = names(TargetSelection.select(fleet(4), count(1, null), seed));
      distinct.add(t);
      picked.merge(t.get(0), 1, Integer::sum);
    }
    assertEquals(4, distinct.size(), "every server is drawn by some seed");
    for (int count : picked.values()) {
      assertTrue(count > 60 && count < 140, "about a quarter each: " + picked);
    }
  }

  @Test
  void picksAreReturnedInNameOrder() {
    List<String> t = names(TargetSelection.select(fleet(9), count(5, null), 3));
    List<String> sorted = new ArrayList<>(t);
    sorted.sort(null);
    assertEquals(sorted, t);
    assertEquals(5, new HashSet<>(t).size(), "no server twice");
  }

  @ParameterizedTest(name = "{0}% of {1} servers is {2}")
  @CsvSource({"25, 4, 1", "30, 4, 2", "50, 4, 2", "51, 4, 3", "1, 4, 1", "100, 4, 4", "10, 3, 1", "34, 3, 2"})
  void aPercentIsRoundedUpAndNeverZero(int percent, int servers, int expected) {
    TargetSelector s = new TargetSelector(null, null, null, percent, null);
    assertEquals(expected, TargetSelection.select(fleet(servers), s, 1).size());
  }

  @Test
  void aCountAboveTheCandidatesTakesThemAll() {
    assertEquals(4, TargetSelection.select(fleet(4), count(9, null), 1).size());
  }

  @Test
  void noSelectorOrNeitherCountNorPercentTakesEveryCandidate() {
    assertEquals(List.of("web-1", "web-2", "web-3", "web-4"), names(TargetSelection.select(fleet(4), null, 1)));
    assertEquals(
        List.of("web-3", "web-4"),
        names(TargetSelection.select(fleet(4), new TargetSelector(null, "b", null, null, null), 1)));
  }

  @Test
  void namesAndZoneNarrowTheCandidates() {
    TargetSelector named = new TargetSelector(List.of("web-2", "web-4"), null, null, null, null);
    assertEquals(List.of("web-2", "web-4"), names(TargetSelection.select(fleet(4), named, 1)));

    TargetSelector both = new TargetSelector(List.of("web-1", "web-2", "web-3"), "b", null, null, null);
    assertEquals(List.of("web-3"), names(TargetSelection.select(fleet(4), both, 1)));

    TargetSelector oneOfZone = new TargetSelector(null, "a", 1, null, null);
    for (long seed = 0; seed < 20; seed++) {
      String t = TargetSelection.select(fleet(6), oneOfZone, seed).get(0).name();
      assertTrue(List.of("web-1", "web-2", "web-3").contains(t), t);
    }
  }

  @Test
  void aNamedServerThatIsNotThereIsAnError() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TargetSelection.select(fleet(2), new TargetSelector(List.of("web-1", "web-9"), null, null, null, null), 1));
    assertEquals("no server [web-9] among [web-1, web-2]", e.getMessage());
  }

  @Test
  void anEmptyZoneOrNoCandidateIsAnError() {
    IllegalArgumentException zone =
        assertThrows(
            IllegalArgumentException.class,
            () -> TargetSelection.select(fleet(4), new TargetSelector(null, "c", null, null, null), 1));
    assertEquals("no server in zone 'c'", zone.getMessage());
    IllegalArgumentException none =
        assertThrows(IllegalArgumentException.class, () -> TargetSelection.select(List.of(), count(1, null), 1));
    assertEquals("no server to pick from", none.getMessage());
  }

  @Test
  void aSelectorInWords() {
    assertEquals("1 of zone a", new TargetSelector(null, "a", 1, null, null).describe());
    assertEquals("25% of all", new TargetSelector(null, null, null, 25, null).describe());
    assertEquals("[web-1]", new TargetSelector(List.of("web-1"), null, null, null, null).describe());
    assertEquals("2 of zone b among [web-3, web-4]", new TargetSelector(List.of("web-3", "web-4"), "b", 2, null, null).describe());
    assertNotEquals(count(1, 1L).describe(), count(2, 1L).describe());
  }
}
