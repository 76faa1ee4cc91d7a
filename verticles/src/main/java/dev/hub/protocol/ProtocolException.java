package dev.hub.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/** A client request that cannot be served; answered with an {@code error} frame and never fatal to the session. */
public final class ProtocolException extends RuntimeException {
  private final ErrorCode code;
  private final transient JsonNode ref;

  public ProtocolException(ErrorCode code, String message) {
    this(code, message, null);
  }

  public ProtocolException(ErrorCode code, String message, JsonNode ref) {
    super(message, null, false, false);
    this.code = code;
    this.ref = ref;
  }

  public ErrorCode code() {
    return code;
  }

  /** The request's {@code ref}, when it had a valid one. */
  public JsonNode ref() {
    return ref;
  }

  /** The same failure, tied to a request's {@code ref}. */
  public ProtocolException withRef(JsonNode newRef) {
    return new ProtocolException(code, getMessage(), newRef);
  }
}
