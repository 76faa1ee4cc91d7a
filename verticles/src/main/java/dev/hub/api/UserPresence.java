package dev.hub.api;

import java.util.List;

/**
 * A user's sessions across the hub.
 *
 * @param online whether the user has any session
 */
public record UserPresence(String user, boolean online, List<Session> sessions) {

  /**
   * One session of the user.
   *
   * @param connectedAt when it connected, in milliseconds since the epoch
   * @param lastSeen when it was last heard, in milliseconds since the epoch
   */
  public record Session(String session, String node, List<String> rooms, long connectedAt, long lastSeen) {
  }
}
