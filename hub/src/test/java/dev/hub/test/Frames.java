package dev.hub.test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Builds JSON objects for tests from alternating names and values. */
public final class Frames {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Frames() {
  }

  public static ObjectNode object(Object... fields) {
    ObjectNode node = JSON.createObjectNode();
    for (int i = 0; i < fields.length; i += 2) {
      String name = (String) fields[i];
      Object value = fields[i + 1];
      if (value == null) {
        node.putNull(name);
      } else if (value instanceof JsonNode json) {
        node.set(name, json);
      } else if (value instanceof String s) {
        node.put(name, s);
      } else if (value instanceof Integer n) {
        node.put(name, n);
      } else if (value instanceof Long n) {
        node.put(name, n);
      } else if (value instanceof Boolean b) {
        node.put(name, b);
      } else {
        throw new IllegalArgumentException("unsupported value " + value);
      }
    }
    return node;
  }

  public static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException("not JSON: " + json, e);
    }
  }
}
