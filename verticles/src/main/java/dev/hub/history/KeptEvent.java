package dev.hub.history;

import dev.hub.protocol.EncodedFrame;

/**
 * An event as a room's history keeps it: its seq and what delivering it again needs.
 *
 * @param seq the room's number for it
 * @param draft the event as it was published
 */
public record KeptEvent(long seq, Draft draft) {

  /**
   * An event before it has a seq.
   *
   * @param frame the {@code event} frame's JSON without {@code seq}
   * @param excludeSession the session that must not get it ({@code echo:false}), or {@code null}
   */
  public record Draft(String id, String event, long ts, String excludeSession, String frame) {

    /** One line of text, the form history stores: the fields, then the frame. */
    public String stored() {
      return id + ' ' + event + ' ' + ts + ' ' + (excludeSession == null ? "-" : excludeSession) + ' ' + frame;
    }

    /** Reads {@link #stored()}; ids, event names and session ids contain no space. */
    public static Draft parse(String stored) {
      int a = stored.indexOf(' ');
      int b = stored.indexOf(' ', a + 1);
      int c = stored.indexOf(' ', b + 1);
      int d = stored.indexOf(' ', c + 1);
      String exclude = stored.substring(c + 1, d);
      return new Draft(stored.substring(0, a), stored.substring(a + 1, b), Long.parseLong(stored.substring(b + 1, c)),
          exclude.equals("-") ? null : exclude, stored.substring(d + 1));
    }
  }

  /** The {@code event} frame with its {@code seq}, as members get it. */
  public EncodedFrame frame() {
    return withSeq(draft.frame(), seq);
  }

  /** Adds {@code "seq":N} as the frame's last field, where {@code ServerFrame.Event} has it. */
  public static EncodedFrame withSeq(String frame, long seq) {
    StringBuilder json = new StringBuilder(frame.length() + 24);
    json.append(frame, 0, frame.length() - 1).append(",\"seq\":").append(seq).append('}');
    return new EncodedFrame(json.toString());
  }
}
