package dev.hub.protocol;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One session's membership of a room, as clients and the HTTP API see it: {@code user}, {@code session},
 * {@code node}, {@code joinedAt}, {@code meta}, {@code state}, in that order. Immutable: a member whose state
 * changes is a new member ({@link #withState}).
 *
 * <p>A member is written out far more often than it changes (every presence answer and {@code presence} frame
 * of its room lists it), so its JSON is encoded once, on first use, and copied as bytes after that: a
 * 10,000-member answer is then a copy of a megabyte, not 10,000 objects walked by Jackson.
 */
public final class Member extends JsonSerializable.Base {
  /** The state of a member that has set none; shared, never written to. */
  public static final JsonNode NO_STATE = JsonNodeFactory.instance.objectNode();

  private final String user;
  private final String session;
  private final String node;
  private final long joinedAt;
  private final JsonNode meta;
  private final JsonNode state;
  /** Racy single-check cache: every thread that computes it computes the same value. */
  private SerializedString json;

  /** A member that has set no state yet: {@code {}}. */
  public Member(String user, String session, String node, long joinedAt, JsonNode meta) {
    this(user, session, node, joinedAt, meta, NO_STATE);
  }

  /**
   * @param meta the token's {@code meta} claim, or an empty object
   * @param state what the session set with {@code state}; {@code null} for none ({@code {}})
   */
  public Member(String user, String session, String node, long joinedAt, JsonNode meta, JsonNode state) {
    this.user = user;
    this.session = session;
    this.node = node;
    this.joinedAt = joinedAt;
    this.meta = meta;
    this.state = state == null ? NO_STATE : state;
  }

  public String user() {
    return user;
  }

  public String session() {
    return session;
  }

  public String node() {
    return node;
  }

  public long joinedAt() {
    return joinedAt;
  }

  public JsonNode meta() {
    return meta;
  }

  /** The session's own, untrusted state in this room; {@code {}} until it sets one. */
  public JsonNode state() {
    return state;
  }

  /** The same membership with another state. */
  public Member withState(JsonNode newState) {
    return new Member(user, session, node, joinedAt, meta, newState);
  }

  @Override
  public void serialize(JsonGenerator gen, SerializerProvider serializers) throws IOException {
    SerializedString encoded = json;
    if (encoded == null) {
      // Through UTF-8 bytes so that a lone surrogate is already escaped (\uD800) and the raw copy stays valid.
      encoded = new SerializedString(new String(Json.encodeToUtf8(new Fields(user, session, node, joinedAt, meta, state)),
          StandardCharsets.UTF_8));
      json = encoded;
    }
    gen.writeRawValue(encoded);
  }

  @Override
  public void serializeWithType(JsonGenerator gen, SerializerProvider serializers, TypeSerializer typeSer)
      throws IOException {
    serialize(gen, serializers);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Member m && joinedAt == m.joinedAt && Objects.equals(user, m.user)
        && Objects.equals(session, m.session) && Objects.equals(node, m.node) && Objects.equals(meta, m.meta)
        && Objects.equals(state, m.state);
  }

  @Override
  public int hashCode() {
    return Objects.hash(user, session, node, joinedAt, meta, state);
  }

  @Override
  public String toString() {
    return "Member[user=" + user + ", session=" + session + ", node=" + node + ", joinedAt=" + joinedAt + ", meta="
        + meta + ", state=" + state + "]";
  }

  @JsonPropertyOrder({"user", "session", "node", "joinedAt", "meta", "state"})
  private record Fields(String user, String session, String node, long joinedAt, JsonNode meta, JsonNode state) {
  }
}
