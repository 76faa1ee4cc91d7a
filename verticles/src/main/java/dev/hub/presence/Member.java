package dev.hub.presence;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One session's membership of a room, as clients and the HTTP API see it.
 *
 * @param meta the token's {@code meta} claim, or an empty object
 */
@JsonPropertyOrder({"user", "session", "node", "joinedAt", "meta"})
public record Member(String user, String session, String node, long joinedAt, JsonNode meta) {
}
