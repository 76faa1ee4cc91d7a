package dev.hub.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * Who a connection is and what it may do, from a verified token or, with auth off, from {@code ?user=}.
 *
 * @param user the user; {@code null} for an anonymous session, which is then named after itself
 * @param meta the token's {@code meta} claim, shown in presence
 * @param admin whether the token opens the HTTP API
 * @param expiresAtMs when the session must end (close 4001), or {@code null} for never
 */
public record Identity(String user, JsonNode meta, Permissions permissions, boolean admin, Long expiresAtMs) {

  /** A session with auth off. */
  public static Identity anonymous(String user) {
    return new Identity(user, JsonNodeFactory.instance.objectNode(), Permissions.OPEN, false, null);
  }
}
