package dev.hub.session;

/** A request that was still queued when its session closed, and so was never run. */
public final class SessionClosedException extends RuntimeException {
  static final SessionClosedException INSTANCE = new SessionClosedException();

  private SessionClosedException() {
    super("the session closed before the request ran", null, false, false);
  }
}
