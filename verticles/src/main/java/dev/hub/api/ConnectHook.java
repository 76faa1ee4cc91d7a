package dev.hub.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/**
 * Decides who a client is when its WebSocket upgrade or SSE stream carries no token (with one, the token
 * decides): PROTOCOL.md section 10. The hub waits for the answer before it upgrades, at most
 * {@code hooks.timeoutMs}; a failed future or a timeout refuses the client with HTTP 503.
 */
@FunctionalInterface
public interface ConnectHook {

  /**
   * Called on an event loop: never block in it; answer with a future that completes later instead.
   *
   * @return the client's identity, or a refusal
   */
  Future<Decision> connect(Request request);

  /**
   * What the hub knows of a client asking to connect; the HTTP hook's request body.
   *
   * @param transport {@code websocket} or {@code sse}
   * @param ip the client's address ({@code http.trustedProxies} applied)
   * @param headers the request's headers named in {@code hooks.connect.headers}, by the configured name
   * @param query the request's query parameters, the first value of each
   */
  record Request(String transport, String ip, Map<String, String> headers, Map<String, String> query) {

    /** A header's value, or {@code null}; names are matched without regard to case. */
    public String header(String name) {
      for (Map.Entry<String, String> header : headers.entrySet()) {
        if (header.getKey().equalsIgnoreCase(name)) {
          return header.getValue();
        }
      }
      return null;
    }
  }

  /**
   * The answer: either a refusal ({@link #refuse}) or a client let in with the claims a token would carry
   * (PROTOCOL.md section 6): {@code user}, {@code meta} shown in presence, the room patterns it may join and
   * publish to, the request events it may send, and {@code exp} (seconds since the epoch) when its session ends.
   *
   * @param status 200 for a client let in; 401 or 403 refuses the upgrade with that status
   * @param exp when the session must end (close 4001), in seconds; {@code null} for never
   */
  record Decision(int status, String user, JsonNode meta, List<String> join, List<String> publish,
      List<String> requests, Long exp) {

    /** A client let in as {@code user}, with no rooms, requests or meta until the withers add them. */
    public static Decision allow(String user) {
      return new Decision(200, user, JsonNodeFactory.instance.objectNode(), List.of(), List.of(), List.of(), null);
    }

    /** A refusal: 401 (who you are is unknown) or 403 (known, and not allowed). */
    public static Decision refuse(int status) {
      if (status != 401 && status != 403) {
        throw new IllegalArgumentException("a connect hook refuses with 401 or 403, not " + status);
      }
      return new Decision(status, null, null, List.of(), List.of(), List.of(), null);
    }

    public boolean allowed() {
      return status == 200;
    }

    public Decision withMeta(JsonNode meta) {
      return new Decision(status, user, meta, join, publish, requests, exp);
    }

    /** Room patterns with NATS wildcards ({@code chat.*}, {@code >}), as a token's {@code rooms} claim. */
    public Decision withRooms(List<String> join, List<String> publish) {
      return new Decision(status, user, meta, join, publish, requests, exp);
    }

    public Decision withRequests(List<String> requests) {
      return new Decision(status, user, meta, join, publish, requests, exp);
    }

    public Decision withExp(Long exp) {
      return new Decision(status, user, meta, join, publish, requests, exp);
    }
  }
}
