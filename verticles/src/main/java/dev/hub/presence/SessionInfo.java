package dev.hub.presence;

import dev.hub.protocol.Member;

import com.fasterxml.jackson.databind.JsonNode;

/** A connected session, registered in presence from its first frame until it goes. */
public record SessionInfo(String session, String user, String node, long connectedAt, JsonNode meta) {

  /** This session as a member of a room it joins now. */
  public Member asMember(long joinedAt) {
    return new Member(user, session, node, joinedAt, meta);
  }
}
