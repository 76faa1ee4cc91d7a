package dev.hub.history;

import dev.hub.protocol.EncodedFrame;
import java.io.Serializable;

/**
 * An event as a room's history keeps it: its seq and what delivering it again needs.
 *
 * @param seq the room's number for it
 * @param draft the event as it was published
 */
public record KeptEvent(long seq, Draft draft) implements Serializable {

  /**
   * An event before it has a seq.
   *
   * @param publisher whose client id {@code id} is (a user, {@code api}, {@code nats}), so a retry of it is
   *     recognised; {@code null} for an id the server assigned
   * @param frame the {@code event} frame's JSON without {@code seq}
   * @param excludeSession the session that must not get it ({@code echo:false}), or {@code null}
   */
  public record Draft(String id, String publisher, String event, long ts, String excludeSession, String frame)
      implements Serializable {
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
