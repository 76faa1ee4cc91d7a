package dev.hub.http;

import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/** JSON answers of the HTTP API, errors shaped as PROTOCOL.md section 7 says. */
public final class HttpReplies {

  /** Where an error answer leaves its code on the routing context, for the metrics (see {@link ApiRoutes}). */
  public static final String ERROR_CODE = "hub.errorCode";

  /** {@code {"error":"CODE","message":"..."}}. */
  public record ErrorBody(String error, String message) {
  }

  private HttpReplies() {
  }

  /** Encodes straight to UTF-8: a room's presence can be a megabyte, not worth building as a string first. */
  public static void json(RoutingContext ctx, int status, Object body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("content-type", "application/json")
        .end(Buffer.buffer(Json.encodeToUtf8(body)));
  }

  /** An error with the code's usual HTTP status. */
  public static void error(RoutingContext ctx, ErrorCode code, String message) {
    error(ctx, code.httpStatus(), code, message);
  }

  public static void error(RoutingContext ctx, int status, ErrorCode code, String message) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.put(ERROR_CODE, code);
    json(ctx, status, new ErrorBody(code.wire(), message));
  }

  /**
   * An error on a bare request, before or without Vert.x Web's router (an upgrade, a refused {@code Host}); the
   * caller counts it, since no routing context carries its code to the metrics.
   */
  public static void error(HttpServerRequest request, int status, ErrorCode code, String message) {
    if (request.response().ended()) {
      return;
    }
    request.response().setStatusCode(status).putHeader("content-type", "application/json")
        .end(Buffer.buffer(Json.encodeToUtf8(new ErrorBody(code.wire(), message))));
  }
}
