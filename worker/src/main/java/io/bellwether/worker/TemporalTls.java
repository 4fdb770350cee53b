package io.bellwether.worker;

import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.temporal.serviceclient.SimpleSslContextBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.TrustManagerFactory;

/**
 * Builds the TLS context for a Temporal cluster from PEM files. The starter's own {@code
 * spring.temporal.connection.mtls.*} has no CA file setting, and private clusters usually sign
 * their frontend with a private CA, so this is done here.
 */
final class TemporalTls {
  private TemporalTls() {}

  /**
   * The context for {@code tls}, or null when the JVM defaults suffice (no client certificate and
   * no CA file: plain server-authenticated TLS). Throws {@link IllegalStateException} naming the
   * file that cannot be read or parsed.
   */
  static SslContext sslContext(BellwetherProperties.Tls tls) {
    boolean clientCert = BellwetherProperties.notBlank(tls.certChainFile());
    boolean ca = BellwetherProperties.notBlank(tls.caFile());
    if (!clientCert && !ca) {
      return null;
    }
    try {
      if (!clientCert) {
        return withCa(SimpleSslContextBuilder.noKeyOrCertChain(), tls).build();
      }
      // The builder reads the streams only in build(), so they stay open until then.
      try (InputStream cert = Files.newInputStream(Path.of(tls.certChainFile()));
          InputStream key = Files.newInputStream(Path.of(tls.keyFile()))) {
        return withCa(SimpleSslContextBuilder.forPKCS8(cert, key), tls).build();
      }
    } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "bellwether.temporal.tls: cannot load "
              + (clientCert ? tls.certChainFile() + ", " + tls.keyFile() : "")
              + (clientCert && ca ? ", " : "")
              + (ca ? tls.caFile() : "")
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private static SimpleSslContextBuilder withCa(
      SimpleSslContextBuilder builder, BellwetherProperties.Tls tls)
      throws IOException, GeneralSecurityException {
    if (BellwetherProperties.notBlank(tls.caFile())) {
      builder.setTrustManager(trustManagers(Path.of(tls.caFile())).getTrustManagers()[0]);
    }
    return builder;
  }

  private static TrustManagerFactory trustManagers(Path caFile)
      throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    Collection<? extends Certificate> certs;
    try (InputStream in = Files.newInputStream(caFile)) {
      certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
    }
    if (certs.isEmpty()) {
      throw new GeneralSecurityException("no certificate in " + caFile);
    }
    int i = 0;
    for (Certificate c : certs) {
      store.setCertificateEntry("ca-" + i++, c);
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    return factory;
  }
}
