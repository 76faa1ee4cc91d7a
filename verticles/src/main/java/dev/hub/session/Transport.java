package dev.hub.session;

import dev.hub.protocol.EncodedFrame;
import java.util.List;

/**
 * What a session needs of the connection under it. A WebSocket implements it now, Server-Sent Events next; the
 * session's state, outbox, batching, limits and heartbeat are the same code over either. Called only on the
 * session's event loop.
 */
public interface Transport {

  /** A frame that stands alone: a reply, a {@code presence_diff}, {@code bye}, an unbatched event. */
  void frame(EncodedFrame frame);

  /**
   * Events held or coalesced for this session, in order, as one write where the transport has one (a
   * {@code batch}). The list is the caller's and is reused once this returns: copy what is kept.
   */
  void batch(List<EncodedFrame> events);

  /** A liveness probe the client answers or that keeps intermediaries from timing out the connection. */
  void ping();

  /** Whether the client answers (so that silence means it is gone); an SSE reader never does. */
  default boolean answersPings() {
    return true;
  }

  /** True once the bytes waiting to be written pass the session's bound. */
  boolean writeQueueFull();

  /** Closes the connection with a close code of PROTOCOL.md section 1; the transport says it as it can. */
  void close(short code, String reason);

  boolean isClosed();
}
