package dev.hub.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Scenario: a reconnect storm. Three hub nodes as processes clustered on loopback, every room a history room;
 * the sessions of the storm all on node 3, spread over the rooms, subscribers of the same rooms on nodes 1 and
 * 2, and a publisher on node 1 publishing into every room in turn at a fixed rate throughout. Node 3 is killed
 * with SIGKILL; its sessions reconnect to the survivors with jittered exponential backoff and join with
 * {@code since} {seq, epoch} of the last event each saw. Reports how long until every one had recovered, the
 * survivors' subscribers' delivery latency before and during the storm, and each client's ledger: every seq of
 * its room from its first join to the end exactly once. Fails (exit 1) on anything missing, doubled, out of
 * order or not recovered.
 */
@Command(name = "reconnect-storm", mixinStandardHelpOptions = true,
    description = "Kill a node holding thousands of sessions in history rooms; they recover on the survivors.")
final class ReconnectStorm implements Callable<Integer> {
  private static final int NODES = 3;
  private static final int VICTIM = 2;
  private static final long CONNECT_BOUND_MS = 60_000;

  @Option(names = "--hub-jar", description = "the hub's fat jar (default: ${DEFAULT-VALUE})")
  private String hubJar = "hub/target/hub.jar";

  @Option(names = "--sessions", description = "sessions on the node that is killed (default: ${DEFAULT-VALUE})")
  private int sessions = 5000;

  @Option(names = "--rooms", description = "history rooms the sessions are spread over (default: ${DEFAULT-VALUE})")
  private int rooms = 100;

  @Option(names = "--survivor-subscribers",
      description = "subscribers on the surviving nodes, half on each, spread over the rooms (default: ${DEFAULT-VALUE})")
  private int survivorSubscribers = 200;

  @Option(names = "--rate", description = "events/s the publisher sends in all, room after room (default: ${DEFAULT-VALUE})")
  private int rate = 200;

  @Option(names = "--payload", description = "bytes of padding per event (default: ${DEFAULT-VALUE})")
  private int payload = 100;

  @Option(names = "--before-seconds",
      description = "seconds of publishing measured before the kill, after 2 s of warm-up (default: ${DEFAULT-VALUE})")
  private int beforeSeconds = 10;

  @Option(names = "--after-seconds",
      description = "seconds of publishing after every session recovered (default: ${DEFAULT-VALUE})")
  private int afterSeconds = 5;

  @Option(names = "--recovery-bound-seconds",
      description = "how long the sessions may take to recover before the run fails (default: ${DEFAULT-VALUE})")
  private int recoveryBoundSeconds = 120;

  @Option(names = "--backoff-initial-ms", description = "first reconnect's backoff ceiling (default: ${DEFAULT-VALUE})")
  private long backoffInitialMs = 100;

  @Option(names = "--backoff-max-ms", description = "backoff cap (default: ${DEFAULT-VALUE})")
  private long backoffMaxMs = 5000;

  @Option(names = "--join-timeout-ms",
      description = "a recovering join without an ack after this is given up and tried again (default: ${DEFAULT-VALUE})")
  private long joinTimeoutMs = 15_000;

  @Option(names = "--history-size", description = "history.size of every room (default: the hub's, ${DEFAULT-VALUE})")
  private int historySize = 100;

  @Option(names = "--sources", description = "loopback source addresses to spread connections over (default: ${DEFAULT-VALUE})")
  private int sources = 4;

  @Option(names = "--seed", description = "seed of the backoff jitter (default: ${DEFAULT-VALUE})")
  private long seed = 1;

  @Option(names = "--out", description = "JSON result file (default: ${DEFAULT-VALUE})")
  private Path out = Path.of("bench-results/reconnect-storm.json");

  /** One client's row: where its room stood at the end and what its ledger found. */
  record ClientRow(String kind, int client, String room, long lastSeq, SeqLedger.Verdict verdict, double droppedMs,
      double recoveryMs, int attempts, List<String> problems) {
  }

  @Override
  public Integer call() throws Exception {
    String loadBefore = ProcessStats.loadAverage();
    Map<String, String> env = new LinkedHashMap<>(BroadcastServers.HUB_ENV);
    env.put("HUB_HISTORY_ROOMS", "storm-*");
    env.put("HUB_HISTORY_SIZE", Integer.toString(historySize));
    env.put("HUB_LIMITS_MAX_ROOMS_PER_SESSION", Integer.toString(Math.max(100, rooms)));
    env.put("HUB_LIMITS_JOIN_BURST", Integer.toString(Math.max(100, rooms)));
    List<String> roomNames = new ArrayList<>();
    for (int r = 0; r < rooms; r++) {
      roomNames.add("storm-" + r);
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    AtomicReference<Recorder> survivorLatencies = new AtomicReference<>();
    Recorder before = new Recorder(3);
    Recorder during = new Recorder(3);
    Recorder after = new Recorder(3);
    List<StormClient> storm = new ArrayList<>();
    List<StormClient> survivors = new ArrayList<>();
    RoomsPublisher publisher = null;
    System.out.printf("reconnect-storm: starting %d clustered hub nodes (load average %s)%n", NODES, loadBefore);
    // The clients close before the nodes stop: the survivors' shutdown is no drop to report or recover from.
    try (HubNodes nodes = HubNodes.startCluster(hubJar, NODES, List.of(), env)) {
      try {
        List<WebSocketClient> clients = new ArrayList<>();
        for (int i = 0; i < sources; i++) {
          clients.add(vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 24)
              .setMaxMessageSize(1 << 24).setMaxConnections(4 * (sessions + survivorSubscribers) + 10)
              .setLocalAddress("127.0.0." + (2 + i))));
        }
        List<Integer> survivorPorts = List.of(nodes.port(0), nodes.port(1));
        survivors.addAll(RoomLoad.connectAll(survivorSubscribers, i -> new StormClient(vertx,
            clients.get(i % clients.size()), roomNames.get(i % rooms), List.of(), 0, null, joinTimeoutMs,
            survivorLatencies::get).start(survivorPorts.get(i % survivorPorts.size()))));
        long connectStart = System.nanoTime();
        storm.addAll(RoomLoad.connectAll(sessions, i -> new StormClient(vertx, clients.get(i % clients.size()),
            roomNames.get(i % rooms), survivorPorts, i, new Backoff(backoffInitialMs, backoffMaxMs,
            new Random(seed + i)), joinTimeoutMs, null).start(nodes.port(VICTIM))));
        System.out.printf("%d sessions on node %d and %d subscribers on nodes 1 and 2 joined (%.1f s for the sessions)%n",
            sessions, VICTIM + 1, survivorSubscribers, (System.nanoTime() - connectStart) / 1e9);
        publisher = RoomsPublisher.connect(vertx, clients.get(0), nodes.port(0), roomNames, payload)
            .await(CONNECT_BOUND_MS, TimeUnit.MILLISECONDS);
        publisher.start(rate);
        Thread.sleep(2000);
        survivorLatencies.set(before);
        Thread.sleep(beforeSeconds * 1000L);
        Histogram beforeKill = before.getIntervalHistogram();

        survivorLatencies.set(during);
        long killedAt = System.nanoTime();
        nodes.kill(VICTIM);
        System.out.printf("node %d killed with SIGKILL (load average %s)%n", VICTIM + 1, ProcessStats.loadAverage());
        boolean allRecovered = awaitAll(storm, recoveryBoundSeconds * 1000L);
        double stormSeconds = (System.nanoTime() - killedAt) / 1e9;
        Histogram duringStorm = during.getIntervalHistogram();
        String loadStorm = ProcessStats.loadAverage();

        survivorLatencies.set(after);
        Thread.sleep(afterSeconds * 1000L);
        publisher.stop().await(10, TimeUnit.SECONDS);
        Histogram afterStorm = after.getIntervalHistogram();
        survivorLatencies.set(null);
        Map<String, Long> lastSeqs = lastSeqs(nodes.port(0), roomNames);
        drain(storm, survivors, lastSeqs, 30_000);

        List<ClientRow> rows = new ArrayList<>();
        for (int i = 0; i < storm.size(); i++) {
          rows.add(row("storm", i, storm.get(i), lastSeqs, killedAt));
        }
        for (int i = 0; i < survivors.size(); i++) {
          rows.add(row("survivor", i, survivors.get(i), lastSeqs, killedAt));
        }
        return report(rows, allRecovered, stormSeconds, beforeKill, duringStorm, afterStorm, publisher, loadBefore,
            loadStorm);
      } finally {
        if (publisher != null) {
          publisher.close();
        }
        storm.forEach(StormClient::close);
        survivors.forEach(StormClient::close);
        vertx.close().await(30, TimeUnit.SECONDS);
      }
    }
  }

  /** Waits until every session has recovered (there is one kill, so once each), or the bound passes; whether all did. */
  private static boolean awaitAll(List<StormClient> storm, long boundMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + boundMs;
    while (System.currentTimeMillis() < deadline) {
      if (storm.stream().allMatch(c -> c.recoveredAtNanos() != 0)) {
        return true;
      }
      Thread.sleep(10);
    }
    return false;
  }

  /** Each room's last seq once publishing stopped, from the history's own answer on a survivor. */
  private static Map<String, Long> lastSeqs(int port, List<String> rooms) throws Exception {
    Map<String, Long> last = new LinkedHashMap<>();
    try (HubApi api = new HubApi(port)) {
      // The API is open without auth or a key (its header is ignored then). The publisher's last events may
      // still be on their way into the history: ask until two answers agree.
      for (String room : rooms) {
        long previous = -1;
        for (int tries = 0; tries < 50; tries++) {
          long seq = new JsonObject(new String(api.get("/api/rooms/" + room + "/history?limit=1"),
              StandardCharsets.UTF_8)).getLong("seq");
          if (seq == previous) {
            break;
          }
          previous = seq;
          Thread.sleep(20);
        }
        last.put(room, previous);
      }
    }
    return last;
  }

  /** Waits until every client holds its room's last seq, or the bound passes (the rest shows as missing). */
  private static void drain(List<StormClient> storm, List<StormClient> survivors, Map<String, Long> lastSeqs,
      long boundMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + boundMs;
    while (System.currentTimeMillis() < deadline) {
      if (storm.stream().allMatch(c -> c.ledger().holdsThrough(lastSeqs.get(c.room())))
          && survivors.stream().allMatch(c -> c.ledger().holdsThrough(lastSeqs.get(c.room())))) {
        return;
      }
      Thread.sleep(20);
    }
  }

  private static ClientRow row(String kind, int i, StormClient client, Map<String, Long> lastSeqs, long killedAt) {
    long last = lastSeqs.get(client.room());
    double droppedMs = client.droppedAtNanos() == 0 ? -1 : (client.droppedAtNanos() - killedAt) / 1e6;
    double recoveryMs = client.recoveredAtNanos() == 0 ? -1 : (client.recoveredAtNanos() - killedAt) / 1e6;
    return new ClientRow(kind, i, client.room(), last, client.ledger().verdict(last), droppedMs, recoveryMs,
        client.attempts(), client.problems());
  }

  private int report(List<ClientRow> rows, boolean allRecovered, double stormSeconds, Histogram beforeKill,
      Histogram duringStorm, Histogram afterStorm, RoomsPublisher publisher, String loadBefore, String loadStorm) {
    List<ClientRow> stormRows = rows.stream().filter(r -> r.kind().equals("storm")).toList();
    Histogram recovery = new Histogram(3);
    Histogram attempts = new Histogram(3);
    Histogram drops = new Histogram(3);
    for (ClientRow r : stormRows) {
      if (r.droppedMs() >= 0) {
        drops.recordValue(Math.round(r.droppedMs()));
      }
      if (r.recoveryMs() >= 0) {
        recovery.recordValue(Math.round(r.recoveryMs()));
      }
      attempts.recordValue(r.attempts());
    }
    long delivered = rows.stream().mapToLong(r -> r.verdict().received()).sum();
    long missing = rows.stream().mapToLong(r -> r.verdict().missing()).sum();
    long doubled = rows.stream().mapToLong(r -> r.verdict().doubled()).sum();
    long outOfOrder = rows.stream().mapToLong(r -> r.verdict().outOfOrder()).sum();
    long notOwed = rows.stream().mapToLong(r -> r.verdict().notOwed()).sum();
    long recoveredCount = stormRows.stream().filter(r -> r.recoveryMs() >= 0).count();
    List<String> problems = new ArrayList<>();
    rows.forEach(r -> r.problems().forEach(p -> problems.add(r.kind() + " " + r.client() + " (" + r.room() + "): "
        + p)));
    rows.stream().filter(r -> !r.verdict().clean()).limit(10).forEach(r -> problems.add(r.kind() + " "
        + r.client() + " (" + r.room() + "): ledger " + r.verdict()));
    if (!allRecovered) {
      problems.add((stormRows.size() - recoveredCount) + " sessions had not recovered within "
          + recoveryBoundSeconds + " s");
    }

    System.out.println();
    System.out.printf("scenario reconnect-storm {nodes=%d, sessions=%d on node %d, rooms=%d (history.size=%d), "
        + "survivors' subscribers=%d, publisher on node 1 at %d events/s, payload=%d B, backoff full jitter %d ms "
        + "doubling to %d ms}%n", NODES, sessions, VICTIM + 1, rooms, historySize, survivorSubscribers, rate, payload,
        backoffInitialMs, backoffMaxMs);
    System.out.printf("load average: %s before, %s at the storm's end, %s after%n", loadBefore, loadStorm,
        ProcessStats.loadAverage());
    System.out.printf("recovered: %d of %d sessions, the last %.2f s after the kill (waited %.2f s)%n",
        recoveredCount, stormRows.size(), recovery.getMaxValue() / 1000.0, stormSeconds);
    System.out.printf("per session, kill to its connection's close: p50 %d ms, max %d ms%n",
        drops.getValueAtPercentile(50), drops.getMaxValue());
    System.out.printf("per session, kill to recovered: p50 %d ms, p90 %d ms, p99 %d ms, max %d ms; connections tried "
        + "p50 %d, max %d%n", recovery.getValueAtPercentile(50), recovery.getValueAtPercentile(90),
        recovery.getValueAtPercentile(99), recovery.getMaxValue(), attempts.getValueAtPercentile(50),
        attempts.getMaxValue());
    System.out.printf("%-24s %9s %9s %9s %9s %9s%n", "survivors' subscribers", "events", "p50 ms", "p90 ms", "p99 ms",
        "max ms");
    Map<String, Histogram> phases = new LinkedHashMap<>();
    phases.put("before the kill", beforeKill);
    phases.put("during the storm", duringStorm);
    phases.put("after", afterStorm);
    phases.forEach((phase, h) -> System.out.printf("%-24s %9d %9.2f %9.2f %9.2f %9.2f%n", phase, h.getTotalCount(),
        ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)),
        ms(h.getMaxValue())));
    System.out.printf("survivors' p99 during / before: %.2f%n",
        ms(duringStorm.getValueAtPercentile(99)) / Math.max(0.01, ms(beforeKill.getValueAtPercentile(99))));
    System.out.printf("ledgers: %d clients (%d sessions, %d on survivors), %d events delivered; missing %d, doubled "
        + "%d, out of order %d, not owed %d%n", rows.size(), stormRows.size(), rows.size() - stormRows.size(),
        delivered, missing, doubled, outOfOrder, notOwed);
    System.out.printf("publisher: %d sent, %d acknowledged, %d refused%s%n", publisher.sent(),
        publisher.acknowledged(), publisher.errors().size(),
        publisher.errors().isEmpty() ? "" : " (first: " + publisher.errors().get(0) + ")");

    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("nodes", NODES);
    settings.put("sessions", sessions);
    settings.put("rooms", rooms);
    settings.put("historySize", historySize);
    settings.put("survivorSubscribers", survivorSubscribers);
    settings.put("eventsPerSecond", rate);
    settings.put("payloadBytes", payload);
    settings.put("backoffInitialMs", backoffInitialMs);
    settings.put("backoffMaxMs", backoffMaxMs);
    settings.put("seed", seed);
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("loadAverage", Map.of("before", loadBefore, "stormEnd", loadStorm));
    summary.put("recovered", recoveredCount);
    summary.put("recoveryMs", Map.of("p50", recovery.getValueAtPercentile(50), "p99", recovery.getValueAtPercentile(99),
        "max", recovery.getMaxValue()));
    summary.put("survivorsP99Ms", Map.of("before", ms(beforeKill.getValueAtPercentile(99)),
        "during", ms(duringStorm.getValueAtPercentile(99)), "after", ms(afterStorm.getValueAtPercentile(99))));
    summary.put("delivered", delivered);
    summary.put("missing", missing);
    summary.put("doubled", doubled);
    summary.put("outOfOrder", outOfOrder);
    summary.put("notOwed", notOwed);
    summary.put("publisher", Map.of("sent", publisher.sent(), "acknowledged", publisher.acknowledged(),
        "refused", publisher.errors().size()));
    summary.put("problems", problems);
    new LatencyReport("reconnect-storm", settings).writeRows(out, List.of(Map.of("summary", summary,
        "clients", rows)));

    if (!problems.isEmpty()) {
      System.out.println("FAILED: " + problems.size() + " problems; the first ones:");
      problems.stream().limit(20).forEach(p -> System.out.println("  " + p));
      return 1;
    }
    System.out.println("PASSED: every session recovered, every client got every seq of its room exactly once");
    return 0;
  }

  private static double ms(long nanos) {
    return Math.round(nanos / 10_000.0) / 100.0;
  }
}
