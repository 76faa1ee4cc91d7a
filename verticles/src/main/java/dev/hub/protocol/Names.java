package dev.hub.protocol;

/**
 * The name rules of PROTOCOL.md section 1 for rooms, room patterns (section 9), events, users given with
 * {@code ?user=}, and client ids.
 */
public final class Names {
  public static final int MAX_ROOM = 128;
  public static final int MAX_EVENT = 64;
  public static final int MAX_USER = 128;
  public static final int MAX_CLIENT_ID = 64;

  private Names() {
  }

  /** 1 to 128 name characters, no leading, trailing or doubled dot (dots separate NATS subject tokens). */
  public static boolean isRoom(String s) {
    if (!isNameSet(s, MAX_ROOM)) {
      return false;
    }
    if (s.charAt(0) == '.' || s.charAt(s.length() - 1) == '.') {
      return false;
    }
    return !s.contains("..");
  }

  /**
   * A room pattern: a room name in which at least one dot-separated token is exactly {@code *} (one token) or
   * {@code >} (the rest, last only), 1 to 128 characters in all. {@code project.*}, {@code *.status},
   * {@code project.>}; not {@code project*}, {@code a.>.b} or {@code a.**}.
   */
  public static boolean isPattern(String s) {
    if (s == null || s.isEmpty() || s.length() > MAX_ROOM) {
      return false;
    }
    boolean wildcard = false;
    int start = 0;
    while (true) {
      int dot = s.indexOf('.', start);
      int end = dot < 0 ? s.length() : dot;
      if (end == start) {
        return false;
      }
      String token = s.substring(start, end);
      if (token.equals("*")) {
        wildcard = true;
      } else if (token.equals(">")) {
        if (dot >= 0) {
          return false;
        }
        wildcard = true;
      } else if (!isNameSet(token, MAX_ROOM)) {
        return false;
      }
      if (dot < 0) {
        return wildcard;
      }
      start = dot + 1;
    }
  }

  /** What {@code join} and {@code leave} take: a room or a pattern. */
  public static boolean isRoomOrPattern(String s) {
    return isRoom(s) || isPattern(s);
  }

  /** 1 to 64 name characters. */
  public static boolean isEvent(String s) {
    return isNameSet(s, MAX_EVENT);
  }

  /** 1 to 64 name characters: a client-chosen event id. */
  public static boolean isClientId(String s) {
    return isNameSet(s, MAX_CLIENT_ID);
  }

  /** 1 to 128 name characters: a user named with {@code ?user=}. */
  public static boolean isUser(String s) {
    return isNameSet(s, MAX_USER);
  }

  private static boolean isNameSet(String s, int max) {
    if (s == null || s.isEmpty() || s.length() > max) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '_' || c == '-' || c == ':' || c == '.';
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
