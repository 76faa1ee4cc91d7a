package dev.hub.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.hub.api.ConnectHook;
import dev.hub.api.JoinHook;
import dev.hub.api.PublishHook;
import dev.hub.api.RequestHook;
import dev.hub.protocol.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The hooks over HTTP (PROTOCOL.md section 10): each a JSON POST to its {@code hooks.*.url} with Vert.x Web
 * Client, signed ({@code X-Hub-Signature: sha256=HEX}, the HMAC-SHA256 of {@code TIMESTAMP.BODY} with
 * {@code hooks.secret}, and {@code X-Hub-Timestamp: MILLIS}), and its answer read as the section's table says.
 * One request-building helper serves all four; {@link BackendHooks} bounds and times them, as it does the
 * application's own.
 */
final class HttpHooks {
  static final String SIGNATURE = "X-Hub-Signature";
  static final String TIMESTAMP = "X-Hub-Timestamp";

  private final WebClient client;
  private final SecretKeySpec key;
  private final long timeoutMs;

  HttpHooks(Vertx vertx, String secret, long timeoutMs, int maxInFlight) {
    // Keep-alive connections enough for the calls that may wait at once, so a burst does not queue behind a pool.
    this.client = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true)
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMs)),
        new PoolOptions().setHttp1MaxSize(Math.min(maxInFlight, 100)));
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    this.timeoutMs = timeoutMs;
  }

  ConnectHook connect(String url) {
    return request -> post(url, request).map(response -> switch (response.statusCode()) {
      case 200 -> connectAnswer(readTree(response));
      case 401, 403 -> ConnectHook.Decision.refuse(response.statusCode());
      default -> throw unexpected("connect", response);
    });
  }

  JoinHook join(String url) {
    return request -> post(url, request).map(response -> {
      JsonNode answer = okJson("join", response);
      return answer.path("allow").asBoolean(false) ? JoinHook.Decision.ALLOW : JoinHook.Decision.REFUSE;
    });
  }

  PublishHook publish(String url) {
    return request -> post(url, request).map(response -> {
      JsonNode answer = okJson("publish", response);
      if (!answer.path("allow").asBoolean(false)) {
        return PublishHook.Decision.REFUSE;
      }
      return answer.has("data") ? PublishHook.Decision.replace(answer.get("data")) : PublishHook.Decision.ALLOW;
    });
  }

  RequestHook request(String url) {
    return request -> post(url, request).map(response -> {
      JsonNode data = okJson("request", response).get("data");
      return new RequestHook.Reply(data == null ? NullNode.instance : data);
    });
  }

  Future<Void> close() {
    client.close();
    return Future.succeededFuture();
  }

  /** The one way every hook request is made: the body encoded once, signed, sent with the timeout. */
  private Future<HttpResponse<Buffer>> post(String url, Object body) {
    byte[] json = Json.encodeToUtf8(body);
    String timestamp = Long.toString(System.currentTimeMillis());
    return client.postAbs(url)
        .timeout(timeoutMs)
        .putHeader("Content-Type", "application/json")
        .putHeader(TIMESTAMP, timestamp)
        .putHeader(SIGNATURE, "sha256=" + sign(timestamp, json))
        .sendBuffer(Buffer.buffer(json));
  }

  /** HMAC-SHA256 of {@code TIMESTAMP.BODY}, lower-case hex. */
  String sign(String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      mac.update(timestamp.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) '.');
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  private static JsonNode okJson(String hook, HttpResponse<Buffer> response) {
    if (response.statusCode() != 200) {
      throw unexpected(hook, response);
    }
    JsonNode answer = readTree(response);
    if (answer == null || !answer.isObject()) {
      throw new IllegalArgumentException("the " + hook + " hook's answer is not a JSON object");
    }
    return answer;
  }

  private static JsonNode readTree(HttpResponse<Buffer> response) {
    Buffer body = response.bodyAsBuffer();
    if (body == null || body.length() == 0) {
      return null;
    }
    try {
      return Json.MAPPER.readTree(body.getBytes());
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("the hook's answer is not JSON");
    }
  }

  private static IllegalStateException unexpected(String hook, HttpResponse<Buffer> response) {
    return new IllegalStateException("the " + hook + " hook answered HTTP " + response.statusCode());
  }

  /** A 200 answer: the claims of a token, {@code {"user","meta","rooms":{"join","publish"},"requests","exp"}}. */
  private static ConnectHook.Decision connectAnswer(JsonNode claims) {
    if (claims == null || !claims.isObject()) {
      throw new IllegalArgumentException("the connect hook's answer is not a JSON object");
    }
    JsonNode user = claims.get("user");
    if (user == null || !user.isTextual()) {
      throw new IllegalArgumentException("the connect hook's answer has no user");
    }
    JsonNode meta = claims.get("meta");
    if (meta != null && !meta.isObject() && !meta.isNull()) {
      throw new IllegalArgumentException("the connect hook's meta must be an object");
    }
    JsonNode exp = claims.get("exp");
    if (exp != null && !exp.isNumber() && !exp.isNull()) {
      throw new IllegalArgumentException("the connect hook's exp must be a number of seconds");
    }
    ConnectHook.Decision decision = ConnectHook.Decision.allow(user.asText())
        .withRooms(strings(claims.path("rooms").get("join"), "rooms.join"),
            strings(claims.path("rooms").get("publish"), "rooms.publish"))
        .withRequests(strings(claims.get("requests"), "requests"))
        .withExp(exp == null || exp.isNull() ? null : exp.asLong());
    return meta == null || meta.isNull() ? decision : decision.withMeta(meta);
  }

  private static List<String> strings(JsonNode list, String name) {
    if (list == null || list.isNull()) {
      return List.of();
    }
    if (!list.isArray()) {
      throw new IllegalArgumentException("the connect hook's " + name + " must be a list of patterns");
    }
    List<String> values = new ArrayList<>(list.size());
    for (JsonNode item : list) {
      if (!item.isTextual()) {
        throw new IllegalArgumentException("the connect hook's " + name + " must be a list of patterns");
      }
      values.add(item.asText());
    }
    return values;
  }
}
