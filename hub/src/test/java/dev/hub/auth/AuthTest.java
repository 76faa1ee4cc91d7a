package dev.hub.auth;

import static dev.hub.test.AsyncChecks.expectClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.test.AsyncChecks;
import dev.hub.test.Frames;
import dev.hub.test.RawWebSocket;
import dev.hub.test.TestHub;
import dev.hub.test.Tokens;
import dev.hub.test.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * JWT on {@code /ws} and the HTTP API, and room permissions, against a real hub with auth on. The hubs and their
 * clients run on the extension's Vert.x; refusals and a close code are checkpoints.
 */
@ExtendWith(VertxExtension.class)
class AuthTest {
  private static TestHub hub;

  @BeforeAll
  static void startHub(Vertx vertx) {
    hub = TestHub.start(vertx, "auth.secret", Tokens.SECRET, "auth.apiKey", "api-key-0123456789");
  }

  @AfterAll
  static void stopHub() {
    hub.close();
  }

  @Test
  void aValidTokenConnectsAsItsSubWithItsMetaInPresence() {
    JsonObject claims = Tokens.user("ann", "chat.*", null).put("meta", new JsonObject().put("name", "Ann"));
    try (WsClient ann = hub.connect("token=" + Tokens.hs256(claims) + "&user=mallory")) {
      JsonNode welcome = ann.await("welcome");
      assertEquals("ann", welcome.get("user").asText(), "?user= is ignored when a token is given");
      ann.join("chat.lobby");
      JsonNode member = ann.request("type", "presence", "room", "chat.lobby").get("members").get(0);
      assertEquals("Ann", member.get("meta").get("name").asText());
    }
  }

  @Test
  void theTokenMayComeInTheAuthorizationHeader() {
    String token = Tokens.hs256(Tokens.user("hdr", "x", null));
    try (WsClient client = hub.connect("", Map.of("Authorization", "Bearer " + token))) {
      assertEquals("hdr", client.await("welcome").get("user").asText());
    }
  }

  @Test
  void missingExpiredForgedUnsignedAndMalformedTokensAreRefusedWith401AndRegisterNothing(VertxTestContext test) {
    JsonObject ok = Tokens.user("eve", ">", ">");
    String[] refused = {
        "",
        Tokens.hs256(ok.copy().put("exp", Tokens.expIn(-5))),
        Tokens.sign(ok, "HS256", "another-secret-0123456789abcdef-0123"),
        Tokens.unsigned(ok),
        "not-a-token",
        "a.b.c",
        Tokens.hs256(ok).substring(0, 40),
        Tokens.hs256(new JsonObject().put("exp", Tokens.expIn(60))),
        Tokens.hs256(ok.copy().put("sub", 42)),
        Tokens.hs256(ok.copy().put("rooms", new JsonObject().put("join", new JsonArray().add("a.>.b")))),
        Tokens.hs256(ok.copy().put("meta", "not an object")),
    };
    int before = connections();
    Checkpoint refusals = test.checkpoint(refused.length);
    for (String token : refused) {
      hub.webSockets().connect(WsClient.options(hub.port(), "token=" + token))
          .onComplete(test.failing(refusal -> test.verify(() -> {
            assertTrue(refusal instanceof UpgradeRejectedException, () -> token + ": " + refusal);
            assertEquals(401, ((UpgradeRejectedException) refusal).getStatus(), token);
            refusals.flag();
          })));
    }
    AsyncChecks.await(test, "401 for each of " + refused.length + " bad tokens");
    assertEquals(before, connections(), "nothing registered for a refused upgrade");
  }

  @Test
  void aTokenThatExpiresWhileConnectedClosesWith4001(VertxTestContext test) {
    JsonObject claims = Tokens.user("brief", "brief", null).put("exp", Tokens.expIn(2));
    try (WsClient brief = hub.connect("token=" + Tokens.hs256(claims))) {
      expectClose(test, test.checkpoint(), brief, 4001);
      brief.join("brief");
      AsyncChecks.await(test, "close 4001 once the token expired");
    }
  }

  @Test
  void iatIsNotHeldAgainstTheClockButNbfIs() {
    JsonObject issuedAhead = Tokens.user("skewed", "r", null).put("iat", Tokens.expIn(30));
    try (WsClient skewed = hub.connect("token=" + Tokens.hs256(issuedAhead))) {
      assertEquals("skewed", skewed.await("welcome").get("user").asText(), "an issuer's clock 30 s ahead");
    }
    JsonObject notYet = Tokens.user("early", "r", null).put("nbf", Tokens.expIn(30));
    assertEquals(401, ((UpgradeRejectedException) hub.refusal("token=" + Tokens.hs256(notYet)))
        .getStatus(), "nbf 30 s ahead, no leeway");
    JsonObject valid = Tokens.user("now", "r", null).put("nbf", Tokens.expIn(-5)).put("iat", Tokens.expIn(-5));
    try (WsClient now = hub.connect("token=" + Tokens.hs256(valid))) {
      assertEquals("now", now.await("welcome").get("user").asText());
    }
  }

  @Test
  void withAuthOnAnyPageMayConnectWithAValidTokenAsBefore() throws Exception {
    String token = Tokens.hs256(Tokens.user("page", "r", null));
    assertEquals(101, RawWebSocket.upgradeStatus(hub.port(), "token=" + token,
        Map.of("Origin", "https://app.example.com")), "auth, not the origin, guards a hub with auth on");
    assertEquals(401, RawWebSocket.upgradeStatus(hub.port(), "", Map.of("Origin", "https://app.example.com")));
    assertEquals(200, hub.send(HttpRequest.newBuilder(hub.uri("/api/nodes")).header("X-Api-Key", "api-key-0123456789")
        .header("Origin", "https://app.example.com").GET()).statusCode());
  }

  @Test
  void joinPatternsFollowNatsWildcards() {
    JsonObject claims = Tokens.user("pat", null, null);
    claims.getJsonObject("rooms").put("join", new JsonArray().add("chat.*").add("project.>").add("lobby"));
    try (WsClient client = hub.connect("token=" + Tokens.hs256(claims))) {
      for (String allowed : new String[] {"chat.a", "project.x", "project.x.y", "lobby"}) {
        assertEquals("ack", client.request("type", "join", "room", allowed).get("type").asText(), allowed);
      }
      for (String refused : new String[] {"chat", "chat.a.b", "project", "lobby.x", "other", "chatx.a"}) {
        JsonNode reply = client.request("type", "join", "room", refused);
        assertEquals("forbidden", reply.path("code").asText(), refused + ": " + reply);
      }
    }
  }

  @Test
  void noRoomsClaimAllowsNoRoom() {
    JsonObject claims = new JsonObject().put("sub", "nobody").put("exp", Tokens.expIn(60));
    try (WsClient client = hub.connect("token=" + Tokens.hs256(claims))) {
      assertEquals("forbidden", client.request("type", "join", "room", "anything").get("code").asText());
      assertEquals("forbidden", client.request("type", "publish", "room", "anything", "event", "e")
          .get("code").asText());
      assertEquals("forbidden", client.request("type", "presence", "room", "anything").get("code").asText());
    }
  }

  @Test
  void publishNeedsAPublishPatternWhichNeedsNoJoin() {
    String reader = Tokens.hs256(Tokens.user("reader", "news.*", null));
    String backend = Tokens.hs256(Tokens.user("backend", null, "news.>"));
    try (WsClient r = hub.connect("token=" + reader); WsClient b = hub.connect("token=" + backend)) {
      r.join("news.today");
      assertEquals("forbidden", r.request("type", "publish", "room", "news.today", "event", "e").get("code").asText(),
          "joined, but no publish pattern");
      assertEquals("ack", b.request("type", "publish", "room", "news.today", "event", "headline", "data", 1)
          .get("type").asText(), "a publish pattern needs no join");
      assertEquals("headline", r.events("news.today", 1).get(0).get("event").asText());
      assertEquals("forbidden", b.request("type", "join", "room", "news.today").get("code").asText());
      assertEquals("forbidden", b.request("type", "publish", "room", "sports.today", "event", "e").get("code").asText());
    }
  }

  @Test
  void presenceOfARoomIsForThoseWhoMayJoinIt() {
    try (WsClient member = hub.connect("token=" + Tokens.hs256(Tokens.user("m", "club", null)));
        WsClient outsider = hub.connect("token=" + Tokens.hs256(Tokens.user("o", "elsewhere", null)))) {
      member.join("club");
      assertEquals(1, member.request("type", "presence", "room", "club").get("members").size());
      assertEquals("forbidden", outsider.request("type", "presence", "room", "club").get("code").asText());
    }
  }

  @Test
  void requestsFollowTheRequestsClaim() {
    JsonObject claims = Tokens.user("req", null, null).put("requests", new JsonArray().add("orders.*"));
    try (WsClient client = hub.connect("token=" + Tokens.hs256(claims))) {
      assertEquals("unavailable", client.request("type", "request", "event", "orders.get").get("code").asText(),
          "allowed, and no NATS bridge here");
      assertEquals("forbidden", client.request("type", "request", "event", "billing.get").get("code").asText());
    }
  }

  @Test
  void theHttpApiTakesAnAdminTokenOrTheApiKey() {
    String admin = Tokens.hs256(new JsonObject().put("sub", "ops").put("admin", true).put("exp", Tokens.expIn(60)));
    String user = Tokens.hs256(Tokens.user("plain", ">", ">"));
    assertEquals(401, hub.get("/api/presence").statusCode());
    assertEquals("forbidden", Frames.parse(hub.get("/api/presence").body()).get("error").asText());
    assertEquals(200, api("/api/presence", "Authorization", "Bearer " + admin));
    assertEquals(403, api("/api/presence", "Authorization", "Bearer " + user));
    assertEquals(401, api("/api/presence", "Authorization", "Bearer " + Tokens.unsigned(
        new JsonObject().put("sub", "x").put("admin", true))));
    assertEquals(200, api("/api/nodes", "X-Api-Key", "api-key-0123456789"));
    assertEquals(401, api("/api/nodes", "X-Api-Key", "wrong-key-0123456789"));
    assertEquals(200, hub.get("/health").statusCode(), "health stays open");
    assertEquals(200, hub.get("/metrics").statusCode(), "metrics stay open");
    assertEquals(200, hub.get("/ready").statusCode(), "ready stays open");
  }

  @Test
  void anHttpPublishWithAnIdIsDeduplicatedUnderTheAdminsSub() {
    String admin = Tokens.hs256(new JsonObject().put("sub", "ops2").put("admin", true).put("exp", Tokens.expIn(60)));
    try (WsClient member = hub.connect("token=" + Tokens.hs256(Tokens.user("watch", "dedup-http", null)))) {
      member.join("dedup-http");
      String body = Frames.object("event", "e", "id", "same-id", "data", 1).toString();
      for (int i = 0; i < 2; i++) {
        assertEquals(202, hub.send(HttpRequest.newBuilder(hub.uri("/api/rooms/dedup-http/events"))
            .header("Authorization", "Bearer " + admin)
            .POST(HttpRequest.BodyPublishers.ofString(body))).statusCode());
      }
      String other = Frames.object("event", "e", "id", "other-id", "data", 2).toString();
      hub.send(HttpRequest.newBuilder(hub.uri("/api/rooms/dedup-http/events"))
          .header("X-Api-Key", "api-key-0123456789").POST(HttpRequest.BodyPublishers.ofString(other)));
      var events = member.events("dedup-http", 2);
      assertEquals(1, events.get(0).get("data").asInt());
      assertEquals(2, events.get(1).get("data").asInt(), "the repeat was not delivered");
    }
  }

  @Test
  void rs256AndEs256PublicKeysFromPemFiles(Vertx vertx, @TempDir Path dir) throws Exception {
    for (String algorithm : new String[] {"RS256", "ES256"}) {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm.startsWith("RS") ? "RSA" : "EC");
      if (algorithm.startsWith("ES")) {
        generator.initialize(new ECGenParameterSpec("secp256r1"));
      } else {
        generator.initialize(2048);
      }
      KeyPair keys = generator.generateKeyPair();
      Path publicKey = Files.writeString(dir.resolve(algorithm + ".pem"), pem("PUBLIC KEY", keys.getPublic().getEncoded()));
      String privateKey = pem("PRIVATE KEY", keys.getPrivate().getEncoded());
      try (TestHub signed = TestHub.start(vertx, "auth.publicKey", publicKey.toString())) {
        String token = Tokens.sign(Tokens.user("pk-" + algorithm, "r", null), algorithm, privateKey);
        try (WsClient client = signed.connect("token=" + token)) {
          assertEquals("pk-" + algorithm, client.await("welcome").get("user").asText());
        }
        Throwable hs = signed.refusal("token=" + Tokens.hs256(Tokens.user("x", "r", null)));
        assertEquals(401, ((UpgradeRejectedException) hs).getStatus(), "HS256 is not accepted with a public key");
      }
    }
  }

  @Test
  void aJwksFileHoldsTheOldAndTheNewKeyDuringRotation(Vertx vertx, @TempDir Path dir) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair oldKey = generator.generateKeyPair();
    KeyPair newKey = generator.generateKeyPair();
    JsonArray keys = new JsonArray().add(jwk("old", oldKey)).add(jwk("new", newKey));
    Path jwks = Files.writeString(dir.resolve("jwks.json"), new JsonObject().put("keys", keys).encode());
    try (TestHub rotating = TestHub.start(vertx, "auth.publicKey", jwks.toString())) {
      for (Map.Entry<String, KeyPair> key : Map.of("old", oldKey, "new", newKey).entrySet()) {
        String token = Tokens.sign(Tokens.user("signed-" + key.getKey(), "r", null), "RS256",
            pem("PRIVATE KEY", key.getValue().getPrivate().getEncoded()), key.getKey());
        try (WsClient client = rotating.connect("token=" + token)) {
          assertEquals("signed-" + key.getKey(), client.await("welcome").get("user").asText());
        }
      }
      KeyPair stranger = generator.generateKeyPair();
      String forged = Tokens.sign(Tokens.user("x", "r", null), "RS256",
          pem("PRIVATE KEY", stranger.getPrivate().getEncoded()), "new");
      assertEquals(401, ((UpgradeRejectedException) rotating.refusal("token=" + forged)).getStatus());
    }
  }

  private static JsonObject jwk(String kid, KeyPair pair) {
    java.security.interfaces.RSAPublicKey key = (java.security.interfaces.RSAPublicKey) pair.getPublic();
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return new JsonObject().put("kty", "RSA").put("kid", kid).put("alg", "RS256").put("use", "sig")
        .put("n", b64.encodeToString(unsigned(key.getModulus().toByteArray())))
        .put("e", b64.encodeToString(unsigned(key.getPublicExponent().toByteArray())));
  }

  private static byte[] unsigned(byte[] twosComplement) {
    return twosComplement.length > 1 && twosComplement[0] == 0
        ? java.util.Arrays.copyOfRange(twosComplement, 1, twosComplement.length) : twosComplement;
  }

  @Test
  void leewayAndRequireExp(Vertx vertx) {
    try (TestHub strict = TestHub.start(vertx, "auth.secret", Tokens.SECRET, "auth.requireExp", "true",
        "auth.leewayMs", "30000")) {
      JsonObject noExp = new JsonObject().put("sub", "forever");
      assertEquals(401, ((UpgradeRejectedException) strict.refusal("token=" + Tokens.hs256(noExp)))
          .getStatus());
      JsonObject justExpired = Tokens.user("late", "r", null).put("exp", Tokens.expIn(-5));
      try (WsClient late = strict.connect("token=" + Tokens.hs256(justExpired))) {
        assertEquals("late", late.await("welcome").get("user").asText(), "within the leeway");
      }
      JsonObject soon = Tokens.user("soon", "r", null).put("nbf", Tokens.expIn(10));
      try (WsClient early = strict.connect("token=" + Tokens.hs256(soon))) {
        assertEquals("soon", early.await("welcome").get("user").asText(), "nbf within the leeway");
      }
    }
    JsonObject noExp = new JsonObject().put("sub", "forever");
    try (WsClient forever = hub.connect("token=" + Tokens.hs256(noExp))) {
      assertEquals("forever", forever.await("welcome").get("user").asText(), "exp is optional by default");
    }
  }

  private static int api(String path, String header, String value) {
    return hub.send(HttpRequest.newBuilder(hub.uri(path)).header(header, value).GET()).statusCode();
  }

  private static int connections() {
    String admin = Tokens.hs256(new JsonObject().put("sub", "ops").put("admin", true).put("exp", Tokens.expIn(60)));
    return Frames.parse(hub.send(HttpRequest.newBuilder(hub.uri("/api/presence"))
        .header("Authorization", "Bearer " + admin).GET()).body()).get("connections").asInt();
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
