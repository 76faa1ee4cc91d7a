package dev.hub.nats;

import io.nats.client.Connection;
import io.nats.client.impl.Headers;

/**
 * One outbound message, from the moment the hub accepted its event until NATS confirmed it (or it was
 * dead-lettered). Only the sender thread touches {@link #attempts} and {@link #lastError}.
 *
 * @see OutboundBuffer
 */
final class Outgoing {
  /** The header a JetStream stream deduplicates by. */
  static final String MSG_ID = "Nats-Msg-Id";
  /** The header naming the user whose action it was. */
  static final String USER = "Hub-User";

  final String subject;
  final String msgId;
  final String user;
  final byte[] payload;
  int attempts;
  String lastError;

  Outgoing(String subject, String msgId, String user, byte[] payload) {
    this.subject = subject;
    this.msgId = msgId;
    this.user = user;
    this.payload = payload;
  }

  /** What it counts against {@code nats.bufferBytes}: about what it takes on the wire. */
  long size() {
    return payload.length + subject.length() + msgId.length() + (user == null ? 0 : user.length()) + 48L;
  }

  /**
   * Why the connected server would refuse a message of these headers and payload, or {@code null} when it fits.
   * The server counts headers and payload against its {@code max_payload} and ends the connection of a client that
   * sends more; jnats checks the payload alone. So the whole is checked here, before anything is sent.
   */
  static String overMaxPayload(Connection connection, Headers headers, byte[] payload) {
    long max = connection.getMaxPayload();
    long size = (long) headers.serializedLength() + payload.length;
    return max > 0 && size > max ? "the message is " + size + " bytes with its headers, over the server's max_payload"
        + " of " + max + " bytes" : null;
  }

  /** {@code Nats-Msg-Id} and {@code Hub-User}. */
  Headers headers() {
    return userHeader().put(MSG_ID, headerValue(msgId));
  }

  /** {@code Hub-User} alone (a dead letter must not be deduplicated against its event). */
  Headers userHeader() {
    return userHeader(user);
  }

  /** {@code Hub-User}, when there is a user. */
  static Headers userHeader(String user) {
    Headers headers = new Headers();
    if (user != null) {
      headers.put(USER, headerValue(user));
    }
    return headers;
  }

  /** Header values are printable ASCII; anything else (a user name from a token, say) is replaced by '?'. */
  private static String headerValue(String value) {
    StringBuilder clean = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      clean.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return clean.toString();
  }
}
