package dev.hub.bench;

import java.util.List;

/**
 * Prints the phases of a broadcast scenario as one table, then each server's figures as ratios of the bare
 * server's and of the peers' (nats-server, Socket.IO) where they ran, and those of a server with history on as
 * ratios of the same server's with history off.
 */
final class ThroughputTable {
  /** The servers others are compared with, where the run measured them. */
  private static final List<String> REFERENCES = List.of(BroadcastServers.BARE, BroadcastServers.NATS,
      BroadcastServers.SOCKET_IO);

  private ThroughputTable() {
  }

  /** {@code title} first (the scenario and its settings), then a row per phase, then the ratios. */
  static void print(String title, List<ThroughputPhase> phases) {
    int width = Math.max(6, phases.stream().mapToInt(p -> p.server().length()).max().orElse(0));
    String server = "%-" + width + "s";
    System.out.println();
    System.out.println(title);
    System.out.printf(server + " %-9s %10s %13s %8s %8s %8s %8s %9s %8s %8s %10s %6s%n", "server", "phase",
        "offered/s", "delivered/s", "lost", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "CPU %", "RSS MiB",
        "frames/s", "gen %");
    for (ThroughputPhase p : phases) {
      System.out.printf(server + " %-9s %10.0f %13.0f %8d %8.2f %8.2f %8.2f %9.2f %8.0f %8.0f %10.0f %6.0f%n",
          p.server(), p.phase(), p.offeredPerSecond(), p.deliveredPerSecond(), p.lost(), p.p50Ms(), p.p90Ms(),
          p.p99Ms(), p.p999Ms(), p.serverCpuPercent(), p.serverRssMib(), p.framesPerSecond(),
          p.generatorCpuPercent());
    }
    System.out.println("(CPU % is the server's, gen % the generator's own; one core is 100)");
    for (String reference : REFERENCES) {
      for (ThroughputPhase other : phases) {
        if (!other.server().equals(reference)) {
          printRatio(phases, other, reference);
        }
      }
    }
    for (ThroughputPhase withHistory : phases) {
      String name = withHistory.server();
      if (name.endsWith(BroadcastServers.HISTORY_SUFFIX)) {
        printRatio(phases, withHistory, name.substring(0, name.length() - BroadcastServers.HISTORY_SUFFIX.length()));
      }
    }
  }

  /** {@code other}'s figures over those of {@code reference} in the same phase, where it ran. */
  private static void printRatio(List<ThroughputPhase> phases, ThroughputPhase other, String reference) {
    phases.stream()
        .filter(r -> r.server().equals(reference) && r.phase().equals(other.phase())).findFirst()
        .ifPresent(r -> System.out.printf("%s / %s, %-9s delivered/s %.2f, p99 %.2f, CPU per delivery %.2f%n",
            other.server(), reference, other.phase(), other.deliveredPerSecond() / r.deliveredPerSecond(),
            other.p99Ms() / Math.max(0.01, r.p99Ms()), perDelivery(other) / perDelivery(r)));
  }

  /** How fast each server took its subscribers, and against each reference present. */
  static void printConnects(List<RoomLoad.ConnectRow> connects) {
    String server = "%-" + Math.max(13, connects.stream().mapToInt(c -> c.server().length()).max().orElse(0)) + "s";
    System.out.printf(server + " %11s %9s %11s %14s %6s%n", "server", "connections", "seconds", "connects/s",
        "CPU ms/conn", "gen %");
    for (RoomLoad.ConnectRow c : connects) {
      System.out.printf(server + " %11d %9.2f %11.0f %14.3f %6.0f%n", c.server(), c.connections(), c.seconds(),
          c.connectsPerSecond(), c.serverCpuMsPerConnect(), c.generatorCpuPercent());
    }
    for (String reference : REFERENCES) {
      connects.stream().filter(r -> r.server().equals(reference)).findFirst().ifPresent(r -> connects.stream()
          .filter(c -> !c.server().equals(reference))
          .forEach(c -> System.out.printf("%s / %s: connect time %.2f%n", c.server(), reference,
              c.seconds() / r.seconds())));
    }
  }

  private static double perDelivery(ThroughputPhase phase) {
    return phase.serverCpuPercent() / Math.max(1e-9, phase.deliveredPerSecond());
  }
}
