package io.bellwether.workflows.chaos;

import static io.bellwether.workflows.chaos.BlastRadiusWorkflowTest.lease;
import static io.bellwether.workflows.chaos.BlastRadiusWorkflowTest.unzoned;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.contracts.chaos.LeaseDecision;
import io.bellwether.contracts.chaos.LeaseRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The lease rule on its own: shares, services, expiry and holders. */
class LeaseBookTest {
  @Test
  void aShareThatFloatingPointCannotHoldExactlyStillGrantsItsWholeAllowance() {
    LeaseBook book = new LeaseBook(null);
    List<String> servers = new ArrayList<>();
    for (int i = 1; i <= 29; i++) {
      servers.add("s" + i);
    }
    // 0.29 * 100 is 28.999999999999996.
    LeaseDecision d =
        book.acquire(new LeaseRequest("x", "run", "big", servers, Map.of(), 100, Map.of(), 0.29, 0));
    assertTrue(d.granted(), d.reason());
  }

  @Test
  void oneExperimentMayCutAWholeZoneButNoOtherMayPileOntoIt() {
    LeaseBook book = new LeaseBook(null);
    LeaseDecision cut = book.acquire(lease("a", "run-a", "web-1", "web-2"));
    assertTrue(cut.granted(), cut.reason());

    LeaseDecision pile = book.acquire(lease("b", "run-b", "web-3"));
    assertFalse(pile.granted(), "3 of 4 servers is over the service's half");
    assertTrue(pile.reason().startsWith("would impair 3 of 4 servers of web"), pile.reason());

    book.release("a");
    assertTrue(book.acquire(lease("c", "run-c", "web-1")).granted());
    LeaseDecision zone = book.acquire(lease("d", "run-d", "web-2"));
    assertFalse(zone.granted(), "zone a is impaired by run-c already");
    assertTrue(zone.reason().contains("of zone a of web"), zone.reason());
  }

  @Test
  void leasesOfAnotherServiceDoNotCount() {
    LeaseBook book = new LeaseBook(null);
    assertTrue(book.acquire(unzoned("a", "run-a", "web-1", "web-2")).granted());
    LeaseRequest other =
        new LeaseRequest("b", "run-b", "api", List.of("api-1"), Map.of(), 2, Map.of(), 0.5, 0);
    assertTrue(book.acquire(other).granted());
    assertFalse(book.acquire(unzoned("c", "run-c", "web-3")).granted());
  }

  @Test
  void carriedLeasesAreHeldWithoutBeingJudgedAgain() {
    LeaseBook book = new LeaseBook(List.of(unzoned("a", "run-a", "web-1", "web-2", "web-3")));
    assertEquals(1, book.leases().size());
    book.hold(unzoned("a", "run-x", "web-4"));
    assertEquals("run-a", book.leases().get(0).holder(), "an id already held is kept");
  }

  @Test
  void expiryAndHoldersTakeLeasesBack() {
    LeaseBook book = new LeaseBook(null);
    book.acquire(BlastRadiusWorkflowTest.expiring("a", "run-a", 1000, "web-1"));
    book.acquire(lease("b", "run-b", "web-3"));
    book.acquire(unzoned("c", "run-b"));

    assertEquals(List.of("a"), book.expire(1000).stream().map(LeaseRequest::leaseId).toList());
    assertEquals(List.of("run-b"), book.holders());
    assertEquals(2, book.dropHolder("run-b").size());
    assertTrue(book.isEmpty());
    assertFalse(book.release("b"), "already gone");
  }

  @Test
  void aLeaseWithoutAnIdIsRefused() {
    assertFalse(new LeaseBook(null).acquire(unzoned(" ", "run")).granted());
    assertFalse(new LeaseBook(null).acquire(null).granted());
  }
}
