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
