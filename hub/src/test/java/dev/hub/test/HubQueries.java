package dev.hub.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a test reads of a hub over HTTP: presence through the API, counters through {@code /metrics}. */
public final class HubQueries {

  private HubQueries() {
  }

  /** {@code count} of {@code GET /api/rooms/{room}/presence}. */
  public static int roomPresenceCount(TestHub hub, String room) {
    return okJson(hub, "/api/rooms/" + room + "/presence").get("count").asInt();
  }

  /** {@code online} of {@code GET /api/users/{user}/presence}. */
  public static boolean userOnline(TestHub hub, String user) {
    return okJson(hub, "/api/users/" + user + "/presence").get("online").asBoolean();
  }

  /** The value of one Prometheus sample of {@code /metrics}, e.g. {@code hub_batches_total}; fails when absent. */
  public static double metric(TestHub hub, String sample) {
    String body = metrics(hub);
    Matcher value = sampleLine(sample).matcher(body);
    assertTrue(value.find(), () -> "no sample " + sample + " in /metrics:\n" + body);
    return Double.parseDouble(value.group(1));
  }

  /**
   * The value of one Prometheus sample of {@code /metrics}, e.g. {@code hub_closes_total{code="4000"}}, or 0 when
   * the hub has not created it yet: a counter with a label appears on its first use.
   */
  public static double metricOrZero(TestHub hub, String sample) {
    Matcher value = sampleLine(sample).matcher(metrics(hub));
    return value.find() ? Double.parseDouble(value.group(1)) : 0;
  }

  private static String metrics(TestHub hub) {
    HttpResponse<String> response = hub.get("/metrics");
    assertEquals(200, response.statusCode(), response::body);
    return response.body();
  }

  private static Pattern sampleLine(String sample) {
    return Pattern.compile("(?m)^" + Pattern.quote(sample) + " (\\S+)$");
  }

  private static JsonNode okJson(TestHub hub, String path) {
    HttpResponse<String> response = hub.get(path);
    assertEquals(200, response.statusCode(), () -> "GET " + path + " answered " + response.body());
    return Frames.parse(response.body());
  }
}
