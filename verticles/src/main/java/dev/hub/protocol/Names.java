package dev.hub.protocol;

/** The name rules of PROTOCOL.md section 1 for rooms, events, users given with {@code ?user=}, and client ids. */
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
