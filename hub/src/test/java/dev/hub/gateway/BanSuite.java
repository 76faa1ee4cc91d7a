package dev.hub.gateway;

import static dev.hub.gateway.ProtocolAdditionsSuite.api;
import static dev.hub.gateway.ProtocolAdditionsSuite.awaitSessions;
import static dev.hub.gateway.ProtocolAdditionsSuite.claims;
import static dev.hub.gateway.ProtocolAdditionsSuite.connect;
import static dev.hub.gateway.ProtocolAdditionsSuite.okJson;
import static dev.hub.test.AsyncChecks.expectClose;
import static dev.hub.test.BanChecks.assertAdmitted;
import static dev.hub.test.BanChecks.assertBanned;
import static dev.hub.test.BanChecks.refusesNow;
import static dev.hub.test.HubQueries.metricOrZero;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.test.AsyncChecks;
import dev.hub.test.Eventually;
import dev.hub.test.Frames;
import dev.hub.test.TestHub;
import dev.hub.test.Tokens;
import dev.hub.test.WsClient;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxTestContext;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Bans (PROTOCOL.md sections 6 and 7) through real clients, run by the additions suite on one node and on a
 * two-node cluster, with its auth on: the ban is taken at {@link #first()} and must hold at once at both nodes
 * (on one node both are the same). Each test bans users of its own, and lifts what it banned.
 */
interface BanSuite {
  String FORBIDDEN_REFUSALS = "hub_errors_total{code=\"forbidden\"}";

  TestHub first();

  TestHub second();

  @Test
  default void aBanClosesTheUsersSessionsOnEveryNodeAndRefusesItsNewOnesThere(VertxTestContext test) {
    try (WsClient one = connect(first(), "ban-ann"); WsClient two = connect(second(), "ban-ann");
        WsClient bob = connect(second(), "ban-bob")) {
      awaitSessions(first(), "ban-ann", 2);
      Checkpoint byes = test.checkpoint(2);
      Checkpoint closes = test.checkpoint(2);
      for (WsClient session : List.of(one, two)) {
        session.next("bye").onComplete(test.succeeding(bye -> test.verify(() -> {
          assertEquals("disconnected", bye.path("reason").asText());
          assertFalse(bye.path("reconnect").asBoolean());
          byes.flag();
        })));
        expectClose(test, closes, session, 4003);
      }
      double refusedBefore = metricOrZero(first(), FORBIDDEN_REFUSALS);
      long asked = System.currentTimeMillis();
      JsonNode answer = okJson(api(first(), "POST", "/api/users/ban-ann/disconnect", "{\"banForMs\":60000}"));
      assertEquals(2, answer.path("sessions").asInt(), answer::toString);
      long until = answer.path("bannedUntil").asLong();
      assertTrue(until >= asked + 60_000 && until <= System.currentTimeMillis() + 60_000, answer::toString);
      AsyncChecks.await(test, "bye and close 4003 at both of the banned user's sessions");

      for (TestHub node : List.of(first(), second())) {
        assertBanned(node, "token=" + token("ban-ann"));
        assertAdmitted(node, "token=" + token("ban-carl"));
      }
      assertEquals("pong", bob.request("type", "ping").path("type").asText(), "another user stays");
      assertTrue(metricOrZero(first(), FORBIDDEN_REFUSALS) >= refusedBefore + 2, "refusals counted as forbidden");
      assertTrue(metricOrZero(first(), "hub_bans_refused_total") >= 2, "refusals counted as bans");
      assertTrue(metricOrZero(second(), "hub_bans") >= 1, "the ban in force in the gauge");

      JsonNode bans = okJson(api(second(), "GET", "/api/bans", null)).path("bans");
      assertTrue(hasBan(bans, "ban-ann", until), bans::toString);
    } finally {
      api(first(), "DELETE", "/api/users/ban-ann/ban", null);
    }
  }

  @Test
  default void aLiftedBanLetsTheUserInAtOnceOnEveryNode() {
    okJson(api(first(), "POST", "/api/users/ban-lift/disconnect", "{\"banForMs\":600000}"));
    assertBanned(second(), "token=" + token("ban-lift"));
    JsonNode lifted = okJson(api(second(), "DELETE", "/api/users/ban-lift/ban", null));
    assertEquals("ban-lift", lifted.path("user").asText(), lifted::toString);
    assertTrue(lifted.path("lifted").asBoolean(), lifted::toString);
    for (TestHub node : List.of(first(), second())) {
      assertAdmitted(node, "token=" + token("ban-lift"));
    }
    assertFalse(okJson(api(first(), "DELETE", "/api/users/ban-lift/ban", null)).path("lifted").asBoolean(),
        "a second lift finds no ban");
    JsonNode bans = okJson(api(first(), "GET", "/api/bans", null)).path("bans");
    assertFalse(hasBan(bans, "ban-lift", -1), bans::toString);
  }

  @Test
  default void aBanEndsByItselfAfterItsTime() {
    okJson(api(first(), "POST", "/api/users/ban-short/disconnect", "{\"banForMs\":1500}"));
    assertBanned(second(), "token=" + token("ban-short"));
    for (TestHub node : List.of(first(), second())) {
      Eventually.until("the ban of ban-short over at " + node.hub().name(),
          () -> refusesNow(node, "token=" + token("ban-short")), refused -> !refused);
    }
    JsonNode bans = okJson(api(second(), "GET", "/api/bans", null)).path("bans");
    assertFalse(hasBan(bans, "ban-short", -1), bans::toString);
  }

  @Test
  default void aDisconnectWithoutABodyBansNobody() {
    okJson(api(first(), "POST", "/api/users/ban-none/disconnect", ""));
    okJson(api(first(), "POST", "/api/users/ban-none/disconnect", "{}"));
    assertAdmitted(second(), "token=" + token("ban-none"));
  }

  @Test
  default void badBanBodiesAre400AndBanNobody() {
    for (String body : List.of("{\"banForMs\":0}", "{\"banForMs\":-5}", "{\"banForMs\":\"60000\"}",
        "{\"banForMs\":1.5}", "{\"banForMs\":2592000001}", "{\"banForMs\":null}", "[1]", "60000")) {
      HttpResponse<String> refused = api(first(), "POST", "/api/users/ban-bad/disconnect", body);
      assertEquals(400, refused.statusCode(), body + ": " + refused.body());
      assertEquals("bad_frame", Frames.parse(refused.body()).path("error").asText(), body);
    }
    HttpResponse<String> notJson = api(first(), "POST", "/api/users/ban-bad/disconnect", "{banForMs:");
    assertEquals(400, notJson.statusCode(), notJson::body);
    assertEquals("bad_json", Frames.parse(notJson.body()).path("error").asText());
    assertAdmitted(second(), "token=" + token("ban-bad"));
  }

  @Test
  default void theBanListIsSortedByUserAndCutToItsLimit() {
    List<String> users = List.of("ban-list-c", "ban-list-a", "ban-list-b");
    try {
      for (String user : users) {
        okJson(api(first(), "POST", "/api/users/" + user + "/disconnect", "{\"banForMs\":600000}"));
      }
      List<String> listed = new ArrayList<>();
      okJson(api(second(), "GET", "/api/bans?limit=1000", null)).path("bans")
          .forEach(ban -> listed.add(ban.path("user").asText()));
      assertEquals(listed.stream().sorted().toList(), listed);
      assertTrue(listed.containsAll(users), listed::toString);
      assertEquals(1, okJson(api(second(), "GET", "/api/bans?limit=1", null)).path("bans").size());
      HttpResponse<String> badLimit = api(second(), "GET", "/api/bans?limit=0", null);
      assertEquals(400, badLimit.statusCode(), badLimit::body);
    } finally {
      users.forEach(user -> api(first(), "DELETE", "/api/users/" + user + "/ban", null));
    }
  }

  @Test
  default void theBanRoutesAreGuardedLikeTheRestOfTheApi() {
    assertEquals(401, first().send(java.net.http.HttpRequest.newBuilder(first().uri("/api/users/x/ban"))
        .DELETE()).statusCode());
    assertEquals(401, first().get("/api/bans").statusCode());
  }

  private static String token(String user) {
    return Tokens.hs256(claims(user, List.of(">"), List.of(">")));
  }

  private static boolean hasBan(JsonNode bans, String user, long until) {
    for (JsonNode ban : bans) {
      if (user.equals(ban.path("user").asText()) && (until < 0 || ban.path("until").asLong() == until)) {
        return true;
      }
    }
    return false;
  }
}
