package io.bellwether.starter.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxTest {
  @TempDir Path tmp;

  private Path checkout() throws IOException {
    Path home = tmp.resolve("checkout");
    Files.createDirectories(home.resolve("starter/src"));
    Files.writeString(home.resolve("pom.xml"),
        "<project><groupId>io.bellwether</groupId><artifactId>bellwether-parent</artifactId></project>");
    Files.writeString(home.resolve("starter/pom.xml"),
        "<project><parent><artifactId>bellwether-parent</artifactId></parent><artifactId>bellwether-starter</artifactId></project>");
    return home;
  }

  @Test
  void findsTheParentPomNotAModulePom() throws IOException {
    Path home = checkout();
    assertTrue(RepoHome.isRoot(home));
    assertFalse(RepoHome.isRoot(home.resolve("starter")));
    assertEquals(home, RepoHome.locateFrom(home.resolve("starter/src")));
    assertThrows(IllegalStateException.class, () -> RepoHome.locateFrom(tmp));
  }

  @Test
  void upRefusesClearlyWhenAJarIsMissingAndStartsNothing() throws IOException {
    Path home = checkout();
    SandboxOptions options = SandboxOptions.defaults().withHome(home).withDir(tmp.resolve("sb")).withTemporalPort(1);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Sandbox.up(options));
    assertTrue(e.getMessage().contains("bellwether-worker.jar is missing: run ./bellwether build"), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("sb").resolve(Sandbox.STATE_FILE)));
  }

  @Test
  void loadWithoutASandboxSaysHowToStartOne() {
    IOException e = assertThrows(IOException.class, () -> Sandbox.load(tmp.resolve("none")));
    assertTrue(e.getMessage().contains("bellwether up"), e.getMessage());
  }

  @Test
  void aLoadedSandboxWhoseProcessesAreGoneIsNotRunningAndGoesDownTwice() throws IOException {
    Path dir = tmp.resolve("sb");
    Files.createDirectories(dir);
    // A finished short-lived process: its PID, with its start time, can no longer be ours.
    ProcessHandle gone;
    try {
      Process p = new ProcessBuilder("true").start();
      p.waitFor();
      gone = p.toHandle();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
    SandboxState s = new SandboxState();
    s.dir = dir.toString();
    s.temporalPort = 7233;
    s.temporalPid = gone.pid();
    s.temporalStartMillis = 1;
    s.workerPid = ProcessHandle.current().pid();
    s.workerStartMillis = 1; // our own PID with a start time that is not ours: never touched
    s.instancesDir = dir.resolve("instances").toString();
    s.frontendUrl = "http://127.0.0.1:1/";
    s.runtimeApi = "unix:" + dir.resolve("haproxy/admin.sock");
    s.instances.put("web-1", "127.0.0.1:1");
    s.save(dir.resolve(Sandbox.STATE_FILE));

    Sandbox sandbox = Sandbox.load(dir);
    assertEquals("127.0.0.1:7233", sandbox.temporalTarget());
    assertEquals(List.of("web-1"), List.copyOf(sandbox.instances().keySet()));
    assertEquals("unix:" + dir.resolve("haproxy/admin.sock"), sandbox.routerRuntimeApi());
    assertFalse(sandbox.isRunning());
    sandbox.down();
    sandbox.down();
    assertFalse(Files.exists(dir.resolve(Sandbox.STATE_FILE)));
    assertTrue(ProcessHandle.current().isAlive());
  }

  @Test
  void processIdentityNeedsTheRecordedStartTime() {
    ProcessHandle me = ProcessHandle.current();
    long start = Processes.startMillis(me);
    assertTrue(Processes.alive(me.pid(), start));
    assertFalse(Processes.alive(me.pid(), start - 60_000));
    assertFalse(Processes.alive(0, 0));
  }

  @Test
  void optionsValidateAndDefault() throws IOException {
    SandboxOptions d = SandboxOptions.defaults();
    assertEquals(4, d.instances());
    assertEquals("1.0.0", d.version());
    assertEquals(7233, d.temporalPort());
    Path home = checkout();
    assertEquals(home.resolve(".bellwether/sandbox"), d.withHome(home).dirOrDefault());
    assertThrows(IllegalArgumentException.class, () -> d.withInstances(0));
    assertThrows(IllegalArgumentException.class, () -> d.withTemporalPort(70000));
  }

  @Test
  void backgroundLoadAndScrapeIntervalAreBoundedAndKeptByEveryWither() {
    SandboxOptions d = SandboxOptions.defaults();
    assertEquals(0, d.backgroundLoad(), "no background load unless asked");
    assertEquals(1, d.scrapeIntervalSeconds());
    SandboxOptions o = d.withBackgroundLoad(20).withScrapeIntervalSeconds(2).withApi(true).withInstances(3);
    assertEquals(20, o.backgroundLoad());
    assertEquals(2, o.scrapeIntervalSeconds());
    assertThrows(IllegalArgumentException.class, () -> d.withBackgroundLoad(-1));
    assertThrows(IllegalArgumentException.class, () -> d.withBackgroundLoad(1001));
    assertThrows(IllegalArgumentException.class, () -> d.withScrapeIntervalSeconds(0));
    assertThrows(IllegalArgumentException.class, () -> d.withScrapeIntervalSeconds(61));
  }

  @Test
  void yamlQuotingKeepsPlaceholdersAndPathsAsOneScalar() {
    assertEquals("\"{port}\"", Sandbox.q("{port}"));
    assertEquals("\"/a b/c\\\"d\"", Sandbox.q("/a b/c\"d"));
  }

  @Test
  void tokenHashesAreLowerCaseHexSha256OfTheToken() {
    // echo -n abc | sha256sum
    assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Sandbox.sha256Hex("abc"));
  }

  @Test
  void theNotifierUrlIsCheckedAndNeverShown() {
    String url = "http://127.0.0.1:9/services/T0/B0/very-secret-part";
    SandboxOptions o = SandboxOptions.defaults().withNotifierUrl(url);
    assertEquals(url, o.notifierUrl());
    assertFalse(o.toString().contains("very-secret-part"), o.toString());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SandboxOptions.defaults().withNotifierUrl("ftp://x/secret-bit"));
    assertFalse(e.getMessage().contains("secret-bit"), e.getMessage());
  }

  @Test
  void theApiUsersCoverEveryRoleAndTheChatUsersMapToThem() {
    assertEquals(List.of("dave", "alice", "carol", "victor", "root"), Sandbox.API_USERS.stream().map(Sandbox.ApiUser::name).toList());
    assertEquals(
        java.util.Set.of("deployer", "approver", "viewer", "admin"),
        Sandbox.API_USERS.stream().flatMap(u -> u.roles().stream()).collect(java.util.stream.Collectors.toSet()));
    assertTrue(Sandbox.APPROVERS.contains("alice"));
    assertFalse(Sandbox.APPROVERS.contains("carol"), "carol must not be in the gate group");
    var names = Sandbox.API_USERS.stream().map(Sandbox.ApiUser::name).toList();
    assertTrue(names.containsAll(Sandbox.CHAT_USERS.values()));
  }

  @Test
  void theIdentityKeyIsRandomPerSandboxAndOnlyTheOwnerCanReadIt() throws IOException {
    Path keys = tmp.resolve("sb").resolve("identity");
    Path first = Sandbox.createIdentityKey(keys, Sandbox.IDENTITY_KEY_ID);
    String secret = Files.readString(first);
    assertEquals(keys.resolve("bellwether.identity.keys." + Sandbox.IDENTITY_KEY_ID), first);
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(first)));
    assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(keys)));
    assertTrue(secret.length() >= 40, "256 random bits, base64url");
    assertFalse(secret.contains("\n"));

    Path second = Sandbox.createIdentityKey(keys, Sandbox.IDENTITY_KEY_ID);
    assertEquals(first, second);
    assertFalse(secret.equals(Files.readString(second)), "a new sandbox gets a new key");
    try (var files = Files.list(keys)) {
      assertEquals(1, files.count(), "the old key is gone");
    }
  }
}
