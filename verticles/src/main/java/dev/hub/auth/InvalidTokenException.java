package dev.hub.auth;

/** A token that does not let its bearer in; the message says why, for logs and the 401 body. */
public final class InvalidTokenException extends RuntimeException {
  public InvalidTokenException(String message) {
    super(message, null, false, false);
  }
}
