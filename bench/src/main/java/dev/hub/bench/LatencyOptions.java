package dev.hub.bench;

import picocli.CommandLine.Option;

/** The options every latency scenario takes (a picocli mixin), with the same defaults everywhere. */
final class LatencyOptions {

  @Option(names = "--hub-jar", description = "the hub's fat jar (default: ${DEFAULT-VALUE})")
  String hubJar = "hub/target/hub.jar";

  @Option(names = "--subscribers", description = "subscribers on each node (default: ${DEFAULT-VALUE})")
  int subscribers = 20;

  @Option(names = "--rate", description = "events published per second (default: ${DEFAULT-VALUE})")
  int rate = 500;

  @Option(names = "--seconds", description = "measured seconds (default: ${DEFAULT-VALUE})")
  int seconds = 10;

  @Option(names = "--warmup", description = "seconds before measuring (default: ${DEFAULT-VALUE})")
  int warmup = 5;

  @Option(names = "--payload", description = "bytes of padding in each event (default: ${DEFAULT-VALUE})")
  int payload = 100;
}
