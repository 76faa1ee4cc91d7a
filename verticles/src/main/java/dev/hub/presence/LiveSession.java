package dev.hub.presence;

import dev.hub.protocol.Member;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * A connected session's whole presence, as its node knows it: enough to write its entries again should the
 * cluster have lost them (a split that healed, a member that restarted).
 *
 * @param rooms the rooms it is in, with the time each membership began
 * @param states the state it set in some of those rooms
 */
public record LiveSession(SessionInfo info, Map<String, Long> rooms, Map<String, JsonNode> states) {

  /** Its membership of one room, as a member entry. */
  public Member member(String room) {
    return info.asMember(rooms.get(room)).withState(states.get(room));
  }
}
