package dev.hub.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Scenario: a network split of a three-node cluster in a history room, and PROTOCOL.md section 5's rules under
 * faults checked after the heal. The nodes are processes of the built jar, each in a network namespace of its
 * own ({@link SplitNetwork}, needs root); node 3 is cut off from nodes 1 and 2 at the network (packets dropped
 * both ways by {@code nft}) while this process still reaches all three. A publisher on node 1 and one on node 3
 * publish into {@code chat:p} throughout; sessions on every node record what they get. After the heal and the
 * merge every session rejoins with {@code since}, both publishers publish a few probes, and the history is read
 * from every node; {@link SplitLedger} then counts acknowledged, kept, announced lost, silently lost, divergent
 * pairs and stuck sessions. Exit 1 when a rule breaks in any run, 2 when a run could not be made (a cluster that
 * would not start or split in time).
 */
@Command(name = "split", mixinStandardHelpOptions = true,
    description = "Cut node 3 of 3 off at the network while both sides publish into a history room; check the "
        + "rules of PROTOCOL.md section 5 after the heal. Needs root (network namespaces, nft).")
final class NetworkSplit implements Callable<Integer> {
  private static final int NODES = 3;
  private static final String ROOM = "chat:p";
  private static final int PROBES = 10;
  /** The least time the cut holds once both sides see it, so that each side publishes while split. */
  private static final int MIN_SPLIT_SECONDS = 5;

  @Option(names = "--hub-jar", description = "the hub's fat jar (default: ${DEFAULT-VALUE})")
  private String hubJar = "hub/target/hub.jar";

  @Option(names = "--quorum", description = "cluster.quorum of every node, 0 for off (default: ${DEFAULT-VALUE})")
  private int quorum = 0;

  @Option(names = "--runs", description = "runs, each on a fresh network and cluster (default: ${DEFAULT-VALUE})")
  private int runs = 1;

  @Option(names = "--split-seconds", description = "how long the cut holds (default: ${DEFAULT-VALUE})")
  private int splitSeconds = 20;

  @Option(names = "--before-seconds", description = "publishing before the cut (default: ${DEFAULT-VALUE})")
  private int beforeSeconds = 3;

  @Option(names = "--failure-detection-ms",
      description = "cluster.failureDetectionMs of every node (default: ${DEFAULT-VALUE})")
  private long failureDetectionMs = 3000;

  @Option(names = "--interval-ms", description = "each publisher's interval between publishes (default: ${DEFAULT-VALUE})")
  private long intervalMs = 50;

  @Option(names = "--subscribers-per-node", description = "subscribing sessions on each node (default: ${DEFAULT-VALUE})")
  private int subscribersPerNode = 2;

  @Option(names = "--history-size", description = "history.size (default: ${DEFAULT-VALUE}, the most one read returns)")
  private int historySize = 1000;

  @Option(names = "--out", description = "JSON result file (default: bench-results/split-quorum-QUORUM.json)")
  private Path out;

  /** One run's figures and what broke. */
  record RunResult(int run, SplitLedger.Verdict verdict, List<String> violations, double splitSeenSeconds,
      double mergedSeconds) {
  }

  @Override
  public Integer call() throws Exception {
    List<RunResult> results = new ArrayList<>();
    List<String> notRun = new ArrayList<>();
    for (int run = 1; run <= runs; run++) {
      try {
        results.add(run(run));
      } catch (IllegalStateException e) {
        // A run whose cluster would not start or split, on a loaded machine: the others still count.
        System.out.printf("run %d: COULD NOT RUN: %s%n", run, e.getMessage());
        notRun.add("run " + run + ": " + e.getMessage());
      }
    }
    System.out.println();
    System.out.printf("scenario split {nodes=%d, node %d cut off for %d s, cluster.quorum=%d, "
        + "failureDetectionMs=%d, publishers on nodes 1 and %d every %d ms, %d subscribers per node, "
        + "history.size=%d}%n", NODES, NODES, splitSeconds, quorum, failureDetectionMs, NODES, intervalMs,
        subscribersPerNode, historySize);
    System.out.printf("%4s %7s %6s %9s %9s %9s %9s %6s %7s %9s %9s%n", "run", "acked", "kept", "announced",
        "silently", "divergent", "stuck", "resets", "refused", "minority", "majority");
    System.out.printf("%4s %7s %6s %9s %9s %9s %9s %6s %7s %9s %9s%n", "", "", "", "lost", "lost", "pairs",
        "sessions", "", "", "split", "split ack");
    for (RunResult r : results) {
      SplitLedger.Verdict v = r.verdict();
      System.out.printf("%4d %7d %6d %9d %9d %9d %9d %6d %7d %9s %9d%n", r.run(), v.acknowledged(), v.kept(),
          v.announcedLost(), v.silentlyLost(), v.divergentPairs(), v.stuck(), v.resets(),
          v.refused().values().stream().mapToLong(Long::longValue).sum(), v.minoritySplit(), v.majoritySplitAcked());
    }
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("nodes", NODES);
    settings.put("quorum", quorum);
    settings.put("splitSeconds", splitSeconds);
    settings.put("failureDetectionMs", failureDetectionMs);
    settings.put("intervalMs", intervalMs);
    settings.put("subscribersPerNode", subscribersPerNode);
    settings.put("historySize", historySize);
    new LatencyReport("split", settings).writeRows(out != null ? out
        : Path.of("bench-results/split-quorum-" + quorum + ".json"), results);
    long broken = results.stream().filter(r -> !r.violations().isEmpty()).count();
    if (broken > 0) {
      System.out.printf("FAILED: the rules broke in %d of %d runs%n", broken, results.size());
      return 1;
    }
    if (!notRun.isEmpty()) {
      System.out.printf("FAILED: %d of %d runs could not run: %s%n", notRun.size(), runs, notRun);
      return 2;
    }
    System.out.printf("PASSED: the three rules held in %d runs%s%n", results.size(),
        quorum > 0 ? ", and the minority side refused its history publishes" : "");
    return 0;
  }

  private RunResult run(int run) throws Exception {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HUB_HISTORY_ROOMS", "chat:*");
    env.put("HUB_HISTORY_SIZE", Integer.toString(historySize));
    env.put("HUB_CLUSTER_FAILURE_DETECTION_MS", Long.toString(failureDetectionMs));
    env.put("HUB_CLUSTER_QUORUM", Integer.toString(quorum));
    SplitLedger ledger = new SplitLedger();
    long started = System.nanoTime();
    say(run, started, "building the network and starting %d nodes (cluster.quorum=%d)", NODES, quorum);
    try (SplitNetwork network = SplitNetwork.create(NODES);
        SplitNodes nodes = SplitNodes.start(hubJar, NODES, env, 120_000)) {
      Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
      List<SplitSession> sessions = new ArrayList<>();
      try {
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100)
            .setLocalAddress(SplitNetwork.CLIENT_ADDRESS));
        for (int n = 1; n <= NODES; n++) {
          for (int s = 1; s <= subscribersPerNode; s++) {
            sessions.add(new SplitSession(vertx, client, ledger, "s" + n + "-" + s, SplitNetwork.address(n),
                SplitNodes.HTTP_PORT, ROOM, n == NODES));
          }
        }
        SplitSession majority = new SplitSession(vertx, client, ledger, "p1", SplitNetwork.address(1),
            SplitNodes.HTTP_PORT, ROOM, false);
        SplitSession minority = new SplitSession(vertx, client, ledger, "p" + NODES, SplitNetwork.address(NODES),
            SplitNodes.HTTP_PORT, ROOM, true);
        sessions.add(majority);
        sessions.add(minority);
        await(Future.all(sessions.stream().map(SplitSession::join).toList()), 30, "every session to join");
        say(run, started, "%d sessions joined %s on all %d nodes from %s", sessions.size(), ROOM,
            NODES, SplitNetwork.CLIENT_ADDRESS);

        majority.startPublishing(intervalMs);
        minority.startPublishing(intervalMs);
        Thread.sleep(beforeSeconds * 1000L);

        ledger.phase(SplitLedger.Phase.CUTTING);
        long cutAt = System.nanoTime();
        network.cut();
        double[] seenAt = new double[NODES + 1];
        nodes.await("each side to see the other gone", System.currentTimeMillis() + failureDetectionMs + 60_000,
            () -> {
              for (int n = 1; n <= NODES; n++) {
                if (seenAt[n] == 0 && nodes.nodesSeen(n) == (n == NODES ? 1 : NODES - 1)) {
                  seenAt[n] = (System.nanoTime() - cutAt) / 1e9;
                }
              }
              return seenAt[1] > 0 && seenAt[2] > 0 && seenAt[NODES] > 0;
            });
        double splitSeen = (System.nanoTime() - cutAt) / 1e9;
        ledger.phase(SplitLedger.Phase.SPLIT);
        say(run, started, "node %d cut off; nodes 1 and 2 listed 2 nodes after %.1f and %.1f s, node %d "
            + "listed 1 after %.1f s (each still answering this process)", NODES, seenAt[1], seenAt[2], NODES,
            seenAt[NODES]);
        // The cut holds --split-seconds, and at least MIN_SPLIT_SECONDS once both sides see it.
        long healAt = Math.max(cutAt + splitSeconds * 1_000_000_000L,
            System.nanoTime() + MIN_SPLIT_SECONDS * 1_000_000_000L);
        Thread.sleep(Math.max(0, (healAt - System.nanoTime()) / 1_000_000));

        ledger.phase(SplitLedger.Phase.HEALING);
        network.heal();
        long healedAt = System.nanoTime();
        nodes.await("the sides to merge", System.currentTimeMillis() + 120_000,
            () -> nodes.nodesSeen(1) == NODES && nodes.nodesSeen(2) == NODES && nodes.nodesSeen(NODES) == NODES);
        double merged = (System.nanoTime() - healedAt) / 1e9;
        say(run, started, "healed; every node lists %d nodes %.1f s later", NODES, merged);
        majority.stopPublishing().await(5, TimeUnit.SECONDS);
        minority.stopPublishing().await(5, TimeUnit.SECONDS);
        nodes.await("every publish to be answered", System.currentTimeMillis() + 30_000, ledger::allAnswered);

        ledger.phase(SplitLedger.Phase.MERGED);
        probe(majority, minority, nodes, ledger, sessions, "the streams that lived through the split");

        List<String> rejoinFailures = new ArrayList<>();
        List<Future<Boolean>> rejoins = sessions.stream().map(SplitSession::rejoin).toList();
        try {
          await(Future.join(rejoins), 30, "every session to rejoin");
        } catch (IllegalStateException e) {
          for (int i = 0; i < rejoins.size(); i++) {
            if (!rejoins.get(i).succeeded()) {
              rejoinFailures.add(sessions.get(i).name() + ": " + (rejoins.get(i).failed()
                  ? rejoins.get(i).cause().getMessage() : "no ack within 30 s"));
            }
          }
        }
        ledger.phase(SplitLedger.Phase.REJOINED);
        probe(majority, minority, nodes, ledger, sessions, "the rejoined streams");
        for (int n = 1; n <= NODES; n++) {
          SplitNodes.History history = nodes.history(n, ROOM, Math.min(historySize, 1000));
          ledger.history("node " + n, history.epoch(), history.latestSeq(), history.events());
        }
        SplitLedger.Verdict verdict = ledger.verdict();
        List<String> violations = new ArrayList<>(verdict.violations(quorum));
        rejoinFailures.forEach(f -> violations.add("rule 3: a rejoin failed: " + f));
        print(run, verdict, violations);
        return new RunResult(run, verdict, violations, splitSeen, merged);
      } finally {
        for (SplitSession session : sessions) {
          session.close().await(5, TimeUnit.SECONDS);
        }
        vertx.close().await(30, TimeUnit.SECONDS);
      }
    } finally {
      if (!SplitNetwork.nothingLeft()) {
        System.err.println("the split network was not all removed: see ip netns list");
      }
    }
  }

  /**
   * Both publishers publish {@link #PROBES} events; waits until they are answered and every session has every
   * acknowledged probe, or a bound passes (a session still missing one counts as stuck in the verdict).
   */
  private void probe(SplitSession majority, SplitSession minority, SplitNodes nodes, SplitLedger ledger,
      List<SplitSession> sessions, String what) {
    await(Future.all(majority.publish(PROBES, intervalMs), minority.publish(PROBES, intervalMs)), 30,
        "the probes to " + what + " to be sent");
    nodes.await("the probes to " + what + " to be answered", System.currentTimeMillis() + 30_000,
        ledger::allAnswered);
    try {
      nodes.await("every session to get the probes", System.currentTimeMillis() + 15_000,
          () -> sessions.stream().allMatch(s -> ledger.probesMissing(s.name()) == 0));
    } catch (IllegalStateException e) {
      System.out.printf("probes to %s: %d sessions still miss some after 15 s%n", what,
          sessions.stream().filter(s -> ledger.probesMissing(s.name()) > 0).count());
    }
  }

  /** One line of a run's progress, with the seconds since it began. */
  private static void say(int run, long started, String format, Object... args) {
    System.out.printf("run %d +%.1f s: %s%n", run, (System.nanoTime() - started) / 1e9, String.format(format, args));
  }

  private static <T> void await(Future<T> future, long seconds, String what) {
    try {
      future.await(seconds, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("timed out waiting for " + what);
    } catch (Exception e) {
      throw new IllegalStateException("failed waiting for " + what + ": " + e.getMessage(), e);
    }
  }

  private void print(int run, SplitLedger.Verdict v, List<String> violations) {
    System.out.printf("run %d: acknowledged %d, kept %d, announced lost %d, silently lost %d, divergent pairs %d, "
        + "stuck sessions %d; refused %s, unanswered %d; minority side during the split %s, majority side's acked "
        + "%d; resets %d, rejoins by recovered %s; final epoch %s%n", run, v.acknowledged(), v.kept(),
        v.announcedLost(), v.silentlyLost(), v.divergentPairs(), v.stuck(), v.refused(), v.unanswered(),
        v.minoritySplit(), v.majoritySplitAcked(), v.resets(), v.rejoins(), v.finalEpoch());
    v.examples().forEach(e -> System.out.println("  " + e));
    if (violations.isEmpty()) {
      System.out.printf("run %d: the rules held%n", run);
    } else {
      violations.forEach(broken -> System.out.printf("run %d: BROKEN %s%n", run, broken));
    }
  }
}
