package dev.hub.nats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.hub.protocol.Json;
import dev.hub.protocol.Names;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * What a service sent on {@code <prefix>.rooms.<room>}: an envelope {@code {"event":"E","data":ANY,"id":"optional"}},
 * or anything else, which becomes the {@code data} of event {@code message} (as JSON where it is JSON, else as a
 * JSON string of its bytes).
 *
 * @param id the service's event id, or {@code null} to have one assigned
 */
record InboundPayload(String event, JsonNode data, String id) {
  /** The event name of a payload that is not an envelope. */
  static final String RAW_EVENT = "message";

  private static final Set<String> ENVELOPE_FIELDS = Set.of("event", "data", "id");

  static InboundPayload decode(byte[] payload) {
    JsonNode root = json(payload);
    if (isEnvelope(root)) {
      JsonNode id = root.get("id");
      return new InboundPayload(root.get("event").textValue(), root.has("data") ? root.get("data") : NullNode.instance,
          id == null || id.isNull() ? null : id.textValue());
    }
    return new InboundPayload(RAW_EVENT, root, null);
  }

  /** The bytes as JSON where they are one JSON value, else as a JSON string of their UTF-8 text. */
  static JsonNode json(byte[] payload) {
    try {
      // The shared mapper reads exactly one value: "42 and more" is text, not 42.
      JsonNode root = Json.MAPPER.readTree(payload);
      if (root != null && !root.isMissingNode()) {
        return root;
      }
    } catch (IOException e) {
      // Not JSON: delivered as text.
    }
    return TextNode.valueOf(new String(payload, StandardCharsets.UTF_8));
  }

  private static boolean isEnvelope(JsonNode root) {
    if (!root.isObject()) {
      return false;
    }
    for (var names = root.fieldNames(); names.hasNext(); ) {
      if (!ENVELOPE_FIELDS.contains(names.next())) {
        return false;
      }
    }
    JsonNode event = root.get("event");
    JsonNode id = root.get("id");
    return event != null && event.isTextual() && Names.isEvent(event.textValue())
        && (id == null || id.isNull() || id.isTextual() && Names.isClientId(id.textValue()));
  }
}
