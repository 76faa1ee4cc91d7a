package dev.hub.auth;

import java.util.List;

/**
 * What a session may do with rooms and requests. With auth off every session is {@link #OPEN}: it may join
 * any room and publish to the rooms it joined. With auth on the token's {@code rooms} claim decides: a
 * {@code join} pattern to join (and to read a room's presence), a {@code publish} pattern to publish, which
 * then needs no join; the {@code requests} claim names the events a session may send as {@code request}.
 */
public final class Permissions {
  /** Auth off: any room may be joined, joined rooms published to, any request made. */
  public static final Permissions OPEN = new Permissions(null, null, null);

  private final List<SubjectPattern> join;
  private final List<SubjectPattern> publish;
  private final List<SubjectPattern> requests;

  private Permissions(List<SubjectPattern> join, List<SubjectPattern> publish, List<SubjectPattern> requests) {
    this.join = join;
    this.publish = publish;
    this.requests = requests;
  }

  /** Permissions from token claims; an absent list grants nothing. */
  public static Permissions of(List<SubjectPattern> join, List<SubjectPattern> publish,
      List<SubjectPattern> requests) {
    return new Permissions(List.copyOf(join), List.copyOf(publish), List.copyOf(requests));
  }

  public boolean isOpen() {
    return join == null;
  }

  public boolean mayJoin(String room) {
    return join == null || anyMatch(join, room);
  }

  /**
   * Whether the session may join a pattern (PROTOCOL.md section 9): one of its {@code join} patterns must cover
   * every room the pattern can match.
   */
  public boolean mayJoinPattern(String pattern) {
    if (join == null) {
      return true;
    }
    SubjectPattern wanted = SubjectPattern.parse(pattern);
    for (SubjectPattern allowed : join) {
      if (allowed.covers(wanted)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the session may publish to the room.
   *
   * @param joined whether it is in the room
   */
  public boolean mayPublish(String room, boolean joined) {
    return publish == null ? joined : anyMatch(publish, room);
  }

  public boolean mayRequest(String event) {
    return requests == null || anyMatch(requests, event);
  }

  private static boolean anyMatch(List<SubjectPattern> patterns, String name) {
    for (SubjectPattern pattern : patterns) {
      if (pattern.matches(name)) {
        return true;
      }
    }
    return false;
  }
}
