package io.bellwether.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS material for a cluster is read from PEM files; certificates are made with openssl. */
class TemporalTlsTest {
  @TempDir Path dir;

  @Test
  void noFilesMeansTheJvmDefaults() {
    assertNull(TemporalTls.sslContext(new BellwetherProperties.Tls(true, null, null, null, null)));
  }

  @Test
  void buildsAClientContextFromPemFiles() throws Exception {
    Path ca = dir.resolve("ca.pem");
    Path cert = dir.resolve("client.pem");
    Path key = dir.resolve("client.key");
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test-ca",
        "-keyout", dir.resolve("ca.key").toString(), "-out", ca.toString());
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=worker",
        "-keyout", key.toString(), "-out", cert.toString());

    var mtls = TemporalTls.sslContext(
        new BellwetherProperties.Tls(true, cert.toString(), key.toString(), ca.toString(), null));
    assertNotNull(mtls);
    assertTrue(mtls.isClient());

    var caOnly = TemporalTls.sslContext(
        new BellwetherProperties.Tls(true, null, null, ca.toString(), null));
    assertNotNull(caOnly);
  }

  @Test
  void anUnreadableCaFileIsNamed() throws IOException {
    Path bogus = dir.resolve("not-a-cert.pem");
    Files.writeString(bogus, "hello");
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> TemporalTls.sslContext(
                new BellwetherProperties.Tls(true, null, null, bogus.toString(), null)));
    assertTrue(e.getMessage().contains(bogus.toString()), e.getMessage());
  }

  private void openssl(String... args) throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is needed to make certificates");
    List<String> cmd = new java.util.ArrayList<>(List.of("/usr/bin/openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), String.join(" ", cmd));
  }
}
