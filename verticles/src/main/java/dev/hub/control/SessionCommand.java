package dev.hub.control;

import java.util.List;

/**
 * What the control API asks of one node's sessions, sent to that node as JSON on the event bus.
 *
 * @param sessions the sessions of the node it concerns, found in presence by the node that took the call
 * @param room the room of a {@link Op#JOIN} or {@link Op#LEAVE}; {@code null} for {@link Op#DISCONNECT}
 */
public record SessionCommand(Op op, List<String> sessions, String room) {

  /** What happens to each session. */
  public enum Op {
    /** {@code bye} (reason {@code disconnected}, no reconnect), then close 4003. */
    DISCONNECT,
    /** Joins the room, with a {@code joined} frame. */
    JOIN,
    /** Leaves the room, with a {@code left} frame (reason {@code server}). */
    LEAVE
  }
}
