package dev.hub.presence;

import java.util.List;

/** A user's sessions cluster-wide, as {@code GET /api/users/{user}/presence} answers. */
public record UserPresence(String user, boolean online, List<UserSession> sessions) {

  /** One session of the user. */
  public record UserSession(String session, String node, List<String> rooms, long connectedAt, long lastSeen) {
  }
}
