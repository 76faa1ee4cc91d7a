package dev.hub.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The dashboard at {@code /} and the browser client at {@code /client/hub-client.js} (with its types beside it),
 * from the classpath folder {@value #ROOT} (the application's jar puts them there). Open with auth on, like
 * {@code /health} (PROTOCOL.md section 6): they hold no data; the dashboard asks for a token to read any.
 */
public final class StaticRoutes {
  /** Classpath folder of the files; a name no working directory is likely to hold, since Vert.x looks there first. */
  public static final String ROOT = "dev/hub/webroot";

  /** IANA registers no type for TypeScript; this is the one TypeScript tooling and Deno use. */
  static final String TYPESCRIPT = "application/typescript; charset=utf-8";

  private StaticRoutes() {
  }

  /** Mounts {@code GET /}, {@code /dashboard/*} and {@code /client/*}; every other path is left to the router. */
  public static void mount(Router router) {
    router.get("/").handler(StaticRoutes::headers).handler(files(ROOT));
    // Under a wildcard route StaticHandler resolves what the '*' matched, so each folder has its own.
    router.get("/dashboard/*").handler(StaticRoutes::headers).handler(files(ROOT + "/dashboard"));
    router.get("/client/*").handler(StaticRoutes::headers).handler(StaticRoutes::anyOrigin)
        .handler(files(ROOT + "/client"));
  }

  private static StaticHandler files(String folder) {
    // No caching headers of Vert.x's (a day, immutable): a page must get the client of the hub it talks to.
    return StaticHandler.create(folder).setCachingEnabled(false).setDefaultContentEncoding("UTF-8");
  }

  /**
   * A page of another origin imports the client as a module script, which browsers fetch with CORS. The file is
   * public, so any origin may; where {@code http.allowedOrigins} is set, its CORS handler has answered first.
   */
  private static void anyOrigin(RoutingContext ctx) {
    if (!ctx.response().headers().contains(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN)) {
      ctx.response().putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
    }
    ctx.next();
  }

  private static void headers(RoutingContext ctx) {
    ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
    // Vert.x's MIME table has no .ts, and StaticHandler sets no type for a file it does not know.
    if (ctx.normalizedPath().endsWith(".d.ts")) {
      ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, TYPESCRIPT);
    }
    ctx.next();
  }
}
