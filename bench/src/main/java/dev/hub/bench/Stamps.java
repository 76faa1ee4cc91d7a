package dev.hub.bench;

/**
 * Finds the publish stamps {@code "t":NANOS} in a received frame. A frame holds one event, or several in a
 * {@code batch}; each stamp is one event.
 *
 * <p>Frames are scanned as the Strings Vert.x decodes them. Scanning the frames' bytes instead ({@code
 * handler(Buffer)}, no decode) was measured with {@code fan-out} and made no difference to the generator's
 * CPU that stood out of the run-to-run noise, so the simpler form stays.
 */
final class Stamps {
  private static final String STAMP = "\"t\":";

  /** Called with each stamp of a frame. */
  interface Visitor {
    void stamp(long nanos);
  }

  private Stamps() {
  }

  /** Gives every stamp of a text frame to {@code listener}, then the frame itself when it carried any. */
  static void scanned(String frame, Dialect.Listener listener) {
    int events = scan(frame, listener::stamp);
    if (events > 0) {
      listener.frame(events);
    }
  }

  /** Visits every stamp in {@code bytes[from, to)} (ASCII digits); returns how many there were. */
  static int scan(byte[] bytes, int from, int to, Dialect.Listener listener) {
    int found = 0;
    for (int at = indexOf(bytes, from, to); at >= 0; at = indexOf(bytes, at, to)) {
      at += STAMP.length();
      boolean negative = at < to && bytes[at] == '-';
      if (negative) {
        at++;
      }
      long value = 0;
      while (at < to && bytes[at] >= '0' && bytes[at] <= '9') {
        value = value * 10 + (bytes[at++] - '0');
      }
      listener.stamp(negative ? -value : value);
      found++;
    }
    return found;
  }

  private static int indexOf(byte[] bytes, int from, int to) {
    outer:
    for (int i = from; i + STAMP.length() <= to; i++) {
      for (int j = 0; j < STAMP.length(); j++) {
        if (bytes[i + j] != STAMP.charAt(j)) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** Visits every stamp in {@code frame}; returns how many there were. */
  static int scan(String frame, Visitor visitor) {
    int found = 0;
    for (int at = frame.indexOf(STAMP); at >= 0; at = frame.indexOf(STAMP, at)) {
      at += STAMP.length();
      boolean negative = at < frame.length() && frame.charAt(at) == '-';
      if (negative) {
        at++;
      }
      long value = 0;
      while (at < frame.length() && frame.charAt(at) >= '0' && frame.charAt(at) <= '9') {
        value = value * 10 + (frame.charAt(at++) - '0');
      }
      visitor.stamp(negative ? -value : value);
      found++;
    }
    return found;
  }
}
