package dev.hub.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar bench/target/bench.jar SCENARIO}: runs one benchmark scenario and prints its figures. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmarks of the hub. Each scenario starts what it measures, prints a table and writes JSON.",
    subcommands = {FanOut.class, ManyRooms.class, Batching.class, CrossNodeLatency.class, AuthCost.class, NatsLatency.class, NatsOutage.class,
        Capacity.class, PresenceLatency.class, PatternFanOut.class, PatternRouting.class, IdleCost.class, ReconnectStorm.class,
        NetworkSplit.class, Soak.class})
public final class Bench {

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs one scenario as {@code main} would and returns its exit status, e.g. for a test that runs one. */
  public static int run(String... args) {
    return new CommandLine(new Bench()).execute(args);
  }
}
