package dev.hub.bench;

import java.util.List;

/** Prints the phases of a broadcast scenario as one table, then each server's figures as ratios of bare's. */
final class ThroughputTable {

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
    for (ThroughputPhase other : phases) {
      if (other.server().equals(BroadcastServers.BARE)) {
        continue;
      }
      phases.stream()
          .filter(b -> b.server().equals(BroadcastServers.BARE) && b.phase().equals(other.phase())).findFirst()
          .ifPresent(bare -> System.out.printf("%s / bare, %-9s delivered/s %.2f, p99 %.2f%n", other.server(),
              other.phase(), other.deliveredPerSecond() / bare.deliveredPerSecond(),
              other.p99Ms() / Math.max(0.01, bare.p99Ms())));
    }
  }
}
