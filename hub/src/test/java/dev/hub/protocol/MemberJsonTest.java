package dev.hub.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A member's JSON is encoded once and copied after that; the copy must be exactly what PROTOCOL.md lists. */
class MemberJsonTest {
  private static final JsonNode META = Json.MAPPER.createObjectNode().put("name", "Ada").put("level", 3);

  @Test
  void aMemberIsWrittenWithTheProtocolsFieldsInOrderEveryTime() {
    Member member = new Member("ada", "s-1", "node-a", 1700000000000L, META);
    String expected = "{\"user\":\"ada\",\"session\":\"s-1\",\"node\":\"node-a\",\"joinedAt\":1700000000000,"
        + "\"meta\":{\"name\":\"Ada\",\"level\":3},\"state\":{}}";
    assertEquals(expected, Json.encode(member));
    assertEquals(expected, new String(Json.encodeToUtf8(member), StandardCharsets.UTF_8), "the cached copy");
    assertEquals("[" + expected + "," + expected + "]", Json.encode(List.of(member, member)));
  }

  @Test
  void aLoneSurrogateInAUserNameStaysValidJsonAndValidUtf8() throws Exception {
    Member member = new Member("bad\uD800name", "s-2", "node-a", 1L, Json.MAPPER.createObjectNode());
    byte[] utf8 = Json.encodeToUtf8(List.of(member));
    assertEquals("[{\"user\":\"bad\\uD800name\",\"session\":\"s-2\",\"node\":\"node-a\",\"joinedAt\":1,\"meta\":{},\"state\":{}}]",
        new String(utf8, StandardCharsets.UTF_8));
    assertEquals("bad\uD800name", Json.MAPPER.readTree(utf8).get(0).get("user").asText());
  }

  @Test
  void aMemberWithNewStateIsANewMemberWithItsOwnEncoding() {
    Member member = new Member("ada", "s-1", "node-a", 5L, META);
    Json.encode(member);
    Member typing = member.withState(Json.MAPPER.createObjectNode().put("typing", true));
    assertEquals("{\"user\":\"ada\",\"session\":\"s-1\",\"node\":\"node-a\",\"joinedAt\":5,"
        + "\"meta\":{\"name\":\"Ada\",\"level\":3},\"state\":{\"typing\":true}}", Json.encode(typing));
    assertEquals("{}", Json.encode(member.state()), "the first member keeps its state and its encoding");
    assertNotEquals(member, typing);
  }

  @Test
  void membersWithTheSameFieldsAreEqual() {
    Member one = new Member("ada", "s-1", "node-a", 5L, META);
    Member same = new Member("ada", "s-1", "node-a", 5L, META.deepCopy());
    assertEquals(one, same);
    assertEquals(one.hashCode(), same.hashCode());
  }
}
