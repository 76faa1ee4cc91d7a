package dev.hub.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.hazelcast.core.HazelcastJsonValue;
import dev.hub.protocol.Member;
import dev.hub.presence.NodeInfo;
import dev.hub.presence.SessionInfo;
import dev.hub.protocol.Json;
import java.io.UncheckedIOException;

/**
 * The JSON documents presence keeps in Hazelcast. JSON values are queryable and indexable by field, and need
 * no class of ours on the members that store them.
 */
final class PresenceRecords {

  /** A connected session; key: the session id. */
  record SessionRecord(String session, String user, String node, long connectedAt, JsonNode meta) {

    SessionInfo info() {
      return new SessionInfo(session, user, node, connectedAt, meta);
    }
  }

  /**
   * A session's membership of a room; key: {@link #memberKey}.
   *
   * @param state what the session set with {@code state}; absent until it sets one
   */
  record MemberRecord(String room, String user, String session, String node, long joinedAt, JsonNode meta,
      JsonNode state) {

    Member member() {
      return new Member(user, session, node, joinedAt, meta, state);
    }
  }

  /** A node of the cluster; key: the node's name. {@code member} is its Hazelcast member UUID. */
  record NodeRecord(String node, String address, long since, String member, NodeInfo.Nats nats) {

    NodeInfo info(int connections) {
      return new NodeInfo(node, address, connections, since, nats);
    }
  }

  private PresenceRecords() {
  }

  /** Room names cannot contain a space, so this key is unique per (room, session). */
  static String memberKey(String room, String session) {
    return room + ' ' + session;
  }

  static HazelcastJsonValue toJson(Object record) {
    return new HazelcastJsonValue(Json.encode(record));
  }

  static <T> T fromJson(HazelcastJsonValue value, Class<T> type) {
    try {
      return Json.MAPPER.readValue(value.getValue(), type);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
