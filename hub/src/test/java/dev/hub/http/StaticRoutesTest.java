package dev.hub.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hub.test.TestHub;
import dev.hub.test.Tokens;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The dashboard and the browser client as the hub serves them, with auth on: open, with their content types,
 * the client byte for byte as in {@code client/}; the API beside them still guarded. The hub runs on the class's
 * Vert.x from the extension.
 */
@ExtendWith(VertxExtension.class)
class StaticRoutesTest {
  private static TestHub hub;

  @BeforeAll
  static void startHub(Vertx vertx) {
    hub = TestHub.start(vertx, "auth.secret", Tokens.SECRET);
  }

  @AfterAll
  static void stopHub() {
    hub.close();
  }

  @Test
  void theClientIsServedAsTheRepositoryHasIt() throws IOException {
    HttpResponse<String> js = hub.get("/client/hub-client.js");
    assertEquals(200, js.statusCode());
    assertEquals("text/javascript;charset=UTF-8", js.headers().firstValue("content-type").orElse(""));
    assertEquals(Files.readString(Path.of("../client/hub-client.js")), js.body());
    assertEquals("no-cache", js.headers().firstValue("cache-control").orElse(""),
        "a page gets the client of the hub it talks to, not one cached from an older hub");

    HttpResponse<String> types = hub.get("/client/hub-client.d.ts");
    assertEquals(200, types.statusCode());
    assertEquals(StaticRoutes.TYPESCRIPT, types.headers().firstValue("content-type").orElse(""));
    assertEquals(Files.readString(Path.of("../client/hub-client.d.ts")), types.body());
  }

  @Test
  void aPageOfAnotherOriginMayImportTheClient() {
    HttpResponse<String> js = hub.send(HttpRequest.newBuilder(hub.uri("/client/hub-client.js"))
        .header("Origin", "http://localhost:5173").GET());
    assertEquals(200, js.statusCode());
    assertEquals("*", js.headers().firstValue("access-control-allow-origin").orElse(""),
        "a module script from another origin is fetched with CORS");
  }

  @Test
  void theDashboardIsServedAtTheRoot() {
    HttpResponse<String> page = hub.get("/");
    assertEquals(200, page.statusCode());
    assertEquals("text/html;charset=UTF-8", page.headers().firstValue("content-type").orElse(""));
    assertTrue(page.body().contains("/client/hub-client.js") || page.body().contains("/dashboard/"), page.body());
    assertEquals(200, hub.get("/dashboard/dashboard.js").statusCode());
    assertEquals(200, hub.get("/dashboard/dashboard.css").statusCode());
  }

  @Test
  void onlyTheFilesAreOpenAndUnknownPathsAreStillJsonErrors() {
    assertEquals(401, hub.get("/api/presence").statusCode(), "the API stays guarded");
    HttpResponse<String> missing = hub.get("/client/nothing-here.js");
    assertEquals(404, missing.statusCode());
    assertEquals("application/json", missing.headers().firstValue("content-type").orElse(""));
    assertEquals(404, hub.get("/client/").statusCode(), "no directory listing");
    assertEquals(404, hub.get("/logback.xml").statusCode(), "nothing else of the classpath");
    assertEquals(404, hub.get("/client/../logback.xml").statusCode());
  }
}
