package dev.hub.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The cost of auth and rate limiting: the same single-node run twice, once with auth off and once with JWT
 * auth on and every rate limit checked (set high enough not to refuse anything, so what is measured is the
 * checking, not the throttling). Reports connects per second (each one a token verification with auth on)
 * and publish throughput with delivery latency.
 */
@Command(name = "auth-cost", mixinStandardHelpOptions = true,
    description = "Connect rate and publish throughput with auth and rate limits off, then on.")
final class AuthCost implements Callable<Integer> {
  private static final String SECRET = "bench-secret-0123456789abcdef-0123456789";

  @Option(names = "--hub-jar", description = "the hub's fat jar (default: ${DEFAULT-VALUE})")
  private String hubJar = "hub/target/hub.jar";

  @Option(names = "--subscribers", description = "subscribers in the room (default: ${DEFAULT-VALUE})")
  private int subscribers = 200;

  @Option(names = "--events", description = "events to publish (default: ${DEFAULT-VALUE})")
  private int events = 20_000;

  @Option(names = "--window", description = "publishes in flight before waiting for acks (default: ${DEFAULT-VALUE})")
  private int window = 64;

  @Option(names = "--out", description = "JSON result file (default: ${DEFAULT-VALUE})")
  private Path out = Path.of("bench-results/auth-cost.json");

  private record Run(String mode, double connectsPerSecond, double publishesPerSecond, LatencyReport.Row delivery) {
  }

  @Override
  public Integer call() throws Exception {
    Map<String, String> limits = Map.of(
        "HUB_LIMITS_PUBLISH_PER_SECOND", "100000000", "HUB_LIMITS_PUBLISH_BURST", "100000000",
        "HUB_LIMITS_JOINS_PER_SECOND", "100000000", "HUB_LIMITS_JOIN_BURST", "100000000");
    Map<String, String> withAuth = new LinkedHashMap<>(limits);
    withAuth.put("HUB_AUTH_SECRET", SECRET);
    List<Run> runs = List.of(run("auth off", limits, false), run("auth on", withAuth, true));

    System.out.println();
    System.out.printf("scenario auth-cost {subscribers=%d, events=%d, window=%d}%n", subscribers, events, window);
    System.out.printf("%-9s %11s %13s %13s %8s %8s %8s%n", "mode", "connects/s", "publishes/s", "delivered/s",
        "p50 ms", "p99 ms", "max ms");
    for (Run r : runs) {
      System.out.printf("%-9s %11.0f %13.0f %13.0f %8.2f %8.2f %8.2f%n", r.mode(), r.connectsPerSecond(),
          r.publishesPerSecond(), r.delivery().deliveredPerSecond(), r.delivery().p50Ms(), r.delivery().p99Ms(),
          r.delivery().maxMs());
    }
    System.out.printf("auth on / auth off: connects %.2f, publishes %.2f%n",
        runs.get(1).connectsPerSecond() / runs.get(0).connectsPerSecond(),
        runs.get(1).publishesPerSecond() / runs.get(0).publishesPerSecond());
    LatencyReport report = new LatencyReport("auth-cost", Map.of("subscribers", subscribers, "events", events,
        "window", window));
    runs.forEach(r -> report.add(r.delivery()));
    report.write(out);
    return 0;
  }

  private Run run(String mode, Map<String, String> env, boolean auth) throws Exception {
    Vertx vertx = Vertx.vertx();
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 24)
        .setMaxMessageSize(1 << 24).setMaxConnections(subscribers + 10));
    String subscriberQuery = auth ? "token=" + token(vertx, "bench.*", null) : "";
    String publisherQuery = auth ? "token=" + token(vertx, "bench.*", "bench.*") : "";
    List<LatencyClient> subscribed = new ArrayList<>();
    try (HubNodes hub = HubNodes.startSingle(hubJar, env)) {
      Recorder latencies = new Recorder(3);
      // Warm-up: the same work once, so the JIT has compiled the paths measured next.
      List<LatencyClient> warm = connect(client, hub.port(0), subscriberQuery, latencies);
      publish(client, hub.port(0), publisherQuery, events / 4).await(300, TimeUnit.SECONDS);
      warm.forEach(LatencyClient::close);

      long connectStart = System.nanoTime();
      subscribed.addAll(connect(client, hub.port(0), subscriberQuery, latencies));
      double connectsPerSecond = subscribers / ((System.nanoTime() - connectStart) / 1e9);

      latencies.reset();
      long publishStart = System.nanoTime();
      publish(client, hub.port(0), publisherQuery, events).await(300, TimeUnit.SECONDS);
      long expected = (long) events * subscribers;
      long deadline = System.currentTimeMillis() + 60_000;
      while (subscribed.stream().mapToLong(LatencyClient::received).sum() < expected
          && System.currentTimeMillis() < deadline) {
        Thread.sleep(10);
      }
      double seconds = (System.nanoTime() - publishStart) / 1e9;
      Histogram histogram = latencies.getIntervalHistogram();
      return new Run(mode, connectsPerSecond, events / seconds, LatencyReport.Row.of(mode, histogram, seconds));
    } finally {
      subscribed.forEach(LatencyClient::close);
      vertx.close();
    }
  }

  private List<LatencyClient> connect(WebSocketClient client, int port, String query, Recorder latencies)
      throws Exception {
    List<Future<LatencyClient>> joins = new ArrayList<>();
    for (int i = 0; i < subscribers; i++) {
      joins.add(LatencyClient.join(client, port, query, "bench.room", latencies));
    }
    List<LatencyClient> joined = new ArrayList<>();
    for (Future<LatencyClient> join : joins) {
      joined.add(join.await(60, TimeUnit.SECONDS));
    }
    return joined;
  }

  /** Publishes {@code events} events, keeping at most {@code window} unacknowledged. */
  private Future<Void> publish(WebSocketClient client, int port, String query, int events) {
    ClientWebSocket socket = client.webSocket();
    Promise<Void> done = Promise.promise();
    AtomicLong sent = new AtomicLong();
    AtomicLong acked = new AtomicLong();
    Runnable[] fill = new Runnable[1];
    fill[0] = () -> {
      while (sent.get() < events && sent.get() - acked.get() < window) {
        socket.writeTextMessage("{\"type\":\"publish\",\"room\":\"bench.room\",\"event\":\"tick\",\"echo\":false,"
            + "\"ref\":" + sent.incrementAndGet() + ",\"data\":{\"t\":" + System.nanoTime() + "}}");
      }
    };
    socket.textMessageHandler(text -> {
      if (text.startsWith("{\"type\":\"ack\"") && text.contains("\"id\"")) {
        if (acked.incrementAndGet() == events) {
          done.tryComplete();
        } else {
          fill[0].run();
        }
      } else if (text.startsWith("{\"type\":\"error\"")) {
        done.tryFail("publish refused: " + text);
      }
    });
    socket.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
            .setURI("/ws" + (query.isEmpty() ? "" : "?" + query)))
        .onSuccess(v -> {
          if (query.isEmpty()) {
            socket.writeTextMessage("{\"type\":\"join\",\"room\":\"bench.room\"}");
          }
          fill[0].run();
        })
        .onFailure(done::tryFail);
    return done.future();
  }

  private static String token(Vertx vertx, String join, String publish) {
    JWTAuth jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));
    JsonObject rooms = new JsonObject().put("join", new JsonArray().add(join))
        .put("publish", publish == null ? new JsonArray() : new JsonArray().add(publish));
    return jwt.generateToken(new JsonObject().put("sub", "bench").put("rooms", rooms),
        new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds(3600));
  }
}
