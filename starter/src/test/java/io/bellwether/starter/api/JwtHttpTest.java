package io.bellwether.starter.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.bellwether.client.BellwetherClient;
import io.bellwether.contracts.rolling.ControlResponse;
import io.bellwether.contracts.rolling.OperatorRequest;
import io.bellwether.contracts.rolling.Phase;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

/**
 * OIDC by configuration only: Spring's JWT properties (here a public key instead of an issuer, so
 * no network is needed) plus {@code bellwether.api.oidc} claims, beside an opaque token.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class JwtHttpTest {
  static final KeyPair ISSUER = rsa();
  static final KeyPair STRANGER = rsa();
  static final String CI = "tok-ci-jwt-test-51aa";
  static final String RUN = "bluegreen-shop-2.0.0";

  final ApiTestSupport api = new ApiTestSupport();

  @MockitoBean BellwetherClient client;
  @MockitoBean RunStates states;
  @LocalServerPort int port;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry r) throws IOException {
    Path pem = Files.createTempFile("issuer", ".pem");
    pem.toFile().deleteOnExit();
    Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(ISSUER.getPublic().getEncoded())
        + "\n-----END PUBLIC KEY-----\n");
    r.add("spring.security.oauth2.resourceserver.jwt.public-key-location", () -> "file:" + pem);
    r.add("bellwether.api.oidc.user-claim", () -> "preferred_username");
    r.add("bellwether.api.oidc.roles-claim", () -> "realm_access.roles");
    r.add("bellwether.api.tokens.ci.sha256", () -> HashedTokenIntrospector.sha256Hex(CI));
    r.add("bellwether.api.tokens.ci.user", () -> "ci-bot");
    r.add("bellwether.api.tokens.ci.roles[0]", () -> "viewer");
  }

  @Test
  void aJwtActsAsItsUserWithItsRoles() throws Exception {
    api.port(port);
    when(client.approve(eq(RUN), any())).thenReturn(new ControlResponse("approve", Phase.SWITCHING, false, "ok"));
    HttpResponse<String> r = api.post("/api/v1/runs/" + RUN + "/approve",
        jwt(ISSUER, "erin", List.of("approver", "unrelated-role"), 300), null, null, Map.of());
    assertEquals(200, r.statusCode(), r.body());
    ArgumentCaptor<OperatorRequest> sent = ArgumentCaptor.forClass(OperatorRequest.class);
    verify(client).approve(eq(RUN), sent.capture());
    assertEquals("erin", sent.getValue().by());
  }

  @Test
  void aJwtWithoutTheRoleIsForbiddenAndABadOneUnauthorized() throws Exception {
    api.port(port);
    assertEquals(403, api.post("/api/v1/runs/" + RUN + "/approve",
        jwt(ISSUER, "frank", List.of("viewer"), 300), null, null, Map.of()).statusCode());
    assertEquals(401, api.post("/api/v1/runs/" + RUN + "/approve",
        jwt(STRANGER, "erin", List.of("approver"), 300), null, null, Map.of()).statusCode());
    assertEquals(401, api.post("/api/v1/runs/" + RUN + "/approve",
        jwt(ISSUER, "erin", List.of("approver"), -120), null, null, Map.of()).statusCode());
    verifyNoInteractions(client);
  }

  @Test
  void opaqueTokensStillWorkBesideJwts() throws Exception {
    api.port(port);
    when(client.list(null, null, null)).thenReturn(List.of());
    assertEquals(200, api.get("/api/v1/runs", CI).statusCode());
  }

  static String jwt(KeyPair key, String user, List<String> roles, long expiresInSeconds) {
    try {
      Instant now = Instant.now();
      JWTClaimsSet claims = new JWTClaimsSet.Builder()
          .subject("id-" + user)
          .claim("preferred_username", user)
          .claim("realm_access", Map.of("roles", roles))
          .issueTime(Date.from(now.minusSeconds(600)))
          .expirationTime(Date.from(now.plusSeconds(expiresInSeconds)))
          .build();
      SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
      jwt.sign(new RSASSASigner((RSAPrivateKey) key.getPrivate()));
      return jwt.serialize();
    } catch (com.nimbusds.jose.JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  static KeyPair rsa() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
