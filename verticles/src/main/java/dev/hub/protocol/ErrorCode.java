package dev.hub.protocol;

/** The error codes of PROTOCOL.md section 1, as sent in {@code error} frames and HTTP error bodies. */
public enum ErrorCode {
  BAD_JSON(400),
  BAD_FRAME(400),
  UNKNOWN_TYPE(400),
  MISSING_FIELD(400),
  INVALID_ROOM(400),
  INVALID_EVENT(400),
  NOT_JOINED(400),
  FORBIDDEN(403),
  TOO_LARGE(413),
  TOO_MANY_ROOMS(400),
  RATE_LIMITED(429),
  NO_RESPONDERS(503),
  TIMEOUT(504),
  UNAVAILABLE(503),
  /** A {@code refresh} token that does not verify or has expired. */
  UNAUTHORIZED(401),
  INTERNAL(500),
  NOT_FOUND(404),
  METHOD_NOT_ALLOWED(405);

  private final String wire;
  private final int httpStatus;

  ErrorCode(int httpStatus) {
    this.wire = name().toLowerCase(java.util.Locale.ROOT);
    this.httpStatus = httpStatus;
  }

  /** The code as it appears on the wire, e.g. {@code bad_json}. */
  public String wire() {
    return wire;
  }

  /** The HTTP status the API answers this code with. */
  public int httpStatus() {
    return httpStatus;
  }
}
