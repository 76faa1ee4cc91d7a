package dev.hub.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A NATS outage under load, end to end: a nats-server with a JetStream stream that records {@code hub.events.bench}
 * (its duplicate window 100 ms, the least the server allows, so that a copy the hub sends again after a reconnect or a replay is kept and counted), one hub node (the built jar),
 * one WebSocket client publishing at a fixed rate. The server is killed with SIGKILL for the outage and started
 * again on the same port and store; then the dead-letter file is replayed, and every acknowledged event is looked
 * for in the stream. Then the file path alone: a second node whose NATS never answers and whose buffer is 1 KiB,
 * with publishers keeping events in flight, so every event goes through the file.
 */
@Command(name = "nats-outage", mixinStandardHelpOptions = true,
    description = "Events held, filed, replayed, lost and duplicated across a NATS outage; the dead-letter file's rate.")
final class NatsOutage implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Option(names = "--hub-jar", description = "the hub's fat jar (default: ${DEFAULT-VALUE})")
  private String hubJar = "hub/target/hub.jar";

  @Option(names = "--nats-server", description = "nats-server binary (default: as tools/ensure-nats-server.sh finds it)")
  private String natsServer;

  @Option(names = "--rate", description = "events published per second (default: ${DEFAULT-VALUE})")
  private int rate = 1000;

  @Option(names = "--outage", description = "seconds NATS is down (default: ${DEFAULT-VALUE})")
  private int outage = 30;

  @Option(names = "--around", description = "seconds published before and after the outage (default: ${DEFAULT-VALUE})")
  private int around = 5;

  @Option(names = "--payload", description = "bytes of padding in each event (default: ${DEFAULT-VALUE})")
  private int payload = 100;

  @Option(names = "--file-seconds", description = "seconds of the file-only phase; 0 skips it (default: ${DEFAULT-VALUE})")
  private int fileSeconds = 10;

  @Option(names = "--file-publishers", description = "publishers in the file-only phase (default: ${DEFAULT-VALUE})")
  private int filePublishers = 4;

  @Option(names = "--out", description = "JSON result file (default: ${DEFAULT-VALUE})")
  private Path out = Path.of("bench-results/nats-outage.json");

  @Override
  public Integer call() throws Exception {
    Map<String, Object> result = new LinkedHashMap<>();
    Vertx vertx = Vertx.vertx();
    try {
      WebSocketClient client = LatencyClient.webSocketClient(vertx);
      result.put("outage", outagePhase(vertx, client));
      if (fileSeconds > 0) {
        result.put("file", filePhase(vertx, client));
      }
    } finally {
      vertx.close();
    }
    Files.createDirectories(out.toAbsolutePath().getParent());
    JSON.enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), result);
    System.out.println(JSON.writeValueAsString(result));
    return 0;
  }

  private Map<String, Object> outagePhase(Vertx vertx, WebSocketClient client) throws Exception {
    Path dlq = Files.createTempDirectory("bench-dlq-");
    try (NatsServerProcess nats = NatsServerProcess.startJetStream(natsServer);
        HubNodes hub = HubNodes.startSingle(hubJar, Map.of("HUB_NATS_URL", nats.url(), "HUB_NATS_REQUIRED", "true",
            "HUB_NATS_DLQ_DIR", dlq.toString()))) {
      try (Connection service = Nats.connect(nats.url())) {
        service.jetStreamManagement().addStream(StreamConfiguration.builder().name("BENCH")
            .subjects("hub.events.bench").storageType(StorageType.File).duplicateWindow(Duration.ofMillis(100))
            .build());
      }
      hub.awaitReady(0);
      int port = hub.port(0);
      AckedPublisher publisher = AckedPublisher.join(client, port, "bench", "o", payload).await(30, TimeUnit.SECONDS);
      publisher.startRate(vertx, rate);
      Thread.sleep(around * 1000L);
      publisher.nextPhase().await();
      nats.kill();
      long killed = System.nanoTime();
      Thread.sleep(outage * 1000L);
      publisher.nextPhase().await();
      nats.restart();
      long restarted = System.nanoTime();
      double outageSeconds = (restarted - killed) / 1e9;
      await("reconnected", 60, () -> "connected".equals(link(port).path("state").asText()));
      double reconnectSeconds = (System.nanoTime() - restarted) / 1e9;
      Thread.sleep(Math.max(0, around * 1000L - (System.nanoTime() - restarted) / 1_000_000));
      publisher.stop(vertx).await();
      await("every publish answered", 30, () -> publisher.allAnswered().await());
      await("the buffer confirmed", 120, () -> link(port).path("pendingBytes").asLong() == 0
          && "connected".equals(link(port).path("state").asText()));
      Path file = dlq.resolve("dlq-bench-single.jsonl");
      List<String> filed = Files.exists(file) ? Files.readAllLines(file).stream()
          .map(line -> parse(line).path("msgId").asText()).toList() : List.of();
      long filedPerFsync = Math.round(metric(port, "hub_nats_dead_letters_total{target=\"file\"}")
          / Math.max(1, metric(port, "hub_nats_dlq_syncs_total")));
      int replayed = parse(post(port, "/api/dlq/replay")).path("replayed").asInt();
      List<List<String>> acked = publisher.acked().await();
      Set<String> all = new HashSet<>();
      acked.forEach(all::addAll);
      awaitStreamSettled(nats.url(), all.size(), port);
      Map<String, Integer> stored = storedCounts(nats.url());
      Set<String> filedSet = new HashSet<>(filed);
      long held = acked.get(1).stream().filter(id -> !filedSet.contains(id)).count();
      long filedAfterRestart = acked.get(2).stream().filter(filedSet::contains).count();
      long lost = all.stream().filter(id -> !stored.containsKey(id)).count();
      long duplicated = stored.values().stream().mapToLong(n -> n - 1).sum();
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("eventsPerSecond", rate);
      figures.put("outageSeconds", Math.round(outageSeconds * 10) / 10.0);
      figures.put("reconnectSeconds", Math.round(reconnectSeconds * 10) / 10.0);
      figures.put("acknowledged", all.size());
      figures.put("acknowledgedDuringOutage", acked.get(1).size());
      figures.put("refused", publisher.refused().await());
      figures.put("held", held);
      figures.put("filed", filed.size());
      figures.put("filedAfterRestart", filedAfterRestart);
      figures.put("filedPerFsync", filedPerFsync);
      figures.put("replayed", replayed);
      figures.put("storedDistinct", stored.size());
      figures.put("lost", lost);
      figures.put("duplicated", duplicated);
      publisher.close();
      return figures;
    }
  }

  private Map<String, Object> filePhase(Vertx vertx, WebSocketClient client) throws Exception {
    Path dlq = Files.createTempDirectory("bench-dlq-");
    // Nothing listens there: every event beyond the 1 KiB buffer goes to the file.
    String nowhere = "nats://127.0.0.1:" + Processes.freePort();
    // The per-session publish limit is lifted, so that the file, not the limit, is what is measured.
    try (HubNodes hub = HubNodes.startSingle(hubJar, Map.of("HUB_NATS_URL", nowhere, "HUB_NATS_BUFFER_BYTES", "1024",
        "HUB_NATS_DLQ_DIR", dlq.toString(), "HUB_LIMITS_PUBLISH_PER_SECOND", "1000000",
        "HUB_LIMITS_PUBLISH_BURST", "1000000"))) {
      int port = hub.port(0);
      List<AckedPublisher> publishers = new java.util.ArrayList<>();
      for (int i = 0; i < filePublishers; i++) {
        publishers.add(AckedPublisher.join(client, port, "bench", "f" + i, payload).await(30, TimeUnit.SECONDS));
      }
      publishers.forEach(p -> p.startWindow(64));
      Thread.sleep(2_000);
      double filedBefore = metric(port, "hub_nats_dead_letters_total{target=\"file\"}");
      double syncsBefore = metric(port, "hub_nats_dlq_syncs_total");
      long cpuBefore = hub.cpuMillis(0);
      long started = System.nanoTime();
      Thread.sleep(fileSeconds * 1000L);
      double seconds = (System.nanoTime() - started) / 1e9;
      double filed = metric(port, "hub_nats_dead_letters_total{target=\"file\"}") - filedBefore;
      double syncs = metric(port, "hub_nats_dlq_syncs_total") - syncsBefore;
      long cpuMs = hub.cpuMillis(0) - cpuBefore;
      Map<String, Long> refused = new java.util.TreeMap<>();
      for (AckedPublisher publisher : publishers) {
        publisher.stop(vertx).await();
        publisher.refused().await().forEach((code, n) -> refused.merge(code, n, Long::sum));
        publisher.close();
      }
      await("the file's queue written", 30, () -> metric(port, "hub_nats_dlq_queued_bytes") == 0);
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("publishers", filePublishers);
      figures.put("inFlightEach", 64);
      figures.put("seconds", Math.round(seconds * 10) / 10.0);
      figures.put("filedPerSecond", Math.round(filed / seconds));
      figures.put("fsyncsPerSecond", Math.round(syncs / seconds));
      figures.put("eventsPerFsync", Math.round(filed / Math.max(1, syncs) * 10) / 10.0);
      figures.put("refused", refused);
      figures.put("hubCpuPercent", Math.round(cpuMs / seconds / 10.0));
      return figures;
    }
  }

  /**
   * Until the stream holds at least {@code expected} messages and the hub has nothing pending, and the count has
   * not moved for a second and a half; or two minutes, after which whatever is missing counts as lost.
   */
  private static void awaitStreamSettled(String url, long expected, int port) throws Exception {
    try (Connection connection = Nats.connect(url)) {
      long deadline = System.nanoTime() + 120_000_000_000L;
      long last = -1;
      int still = 0;
      while (System.nanoTime() < deadline && still < 3) {
        long count = connection.jetStreamManagement().getStreamInfo("BENCH").getStreamState().getMsgCount();
        boolean done = count >= expected && link(port).path("pendingBytes").asLong() == 0;
        still = done && count == last ? still + 1 : 0;
        last = count;
        Thread.sleep(500);
      }
    }
  }

  /** Every message of the stream, by {@code Nats-Msg-Id}, with how many copies it holds. */
  private static Map<String, Integer> storedCounts(String url) throws Exception {
    Map<String, Integer> counts = new HashMap<>();
    try (Connection connection = Nats.connect(new Options.Builder().server(url).build())) {
      long total = connection.jetStreamManagement().getStreamInfo("BENCH").getStreamState().getMsgCount();
      JetStream js = connection.jetStream();
      JetStreamSubscription sub = js.subscribe("hub.events.bench", PushSubscribeOptions.builder().stream("BENCH")
          .ordered(true).build());
      for (long read = 0; read < total; read++) {
        Message message = sub.nextMessage(Duration.ofSeconds(10));
        if (message == null) {
          throw new IllegalStateException("the stream gave " + read + " of " + total + " messages");
        }
        counts.merge(message.getHeaders().getFirst("Nats-Msg-Id"), 1, Integer::sum);
      }
    }
    return counts;
  }

  private interface Check {
    boolean passes() throws Exception;
  }

  private static void await(String what, int seconds, Check check) throws Exception {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (!check.passes()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(what + ": not within " + seconds + " s");
      }
      Thread.sleep(100);
    }
  }

  private static JsonNode link(int port) throws Exception {
    return parse(get(port, "/ready")).path("details").path("nats");
  }

  private static double metric(int port, String sample) throws Exception {
    Matcher value = Pattern.compile("(?m)^" + Pattern.quote(sample) + " (\\S+)$").matcher(get(port, "/metrics"));
    return value.find() ? Double.parseDouble(value.group(1)) : 0;
  }

  private static String get(int port, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private static String post(int port, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("not JSON: " + json, e);
    }
  }
}
