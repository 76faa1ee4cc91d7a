package dev.hub.api;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One session's membership of a room, as presence shows it.
 *
 * @param node the hub node the session is connected to
 * @param joinedAt when it joined, in milliseconds since the epoch
 * @param meta the {@code meta} of its token or connect hook
 * @param state what the session set with {@code state}; {@code {}} for none
 */
public record RoomMember(String user, String session, String node, long joinedAt, JsonNode meta, JsonNode state) {
}
