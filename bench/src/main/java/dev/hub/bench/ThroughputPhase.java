package dev.hub.bench;

/**
 * One measured phase of a broadcast scenario on one server: a row of its table and of its JSON.
 *
 * @param offeredPerSecond events published per second while sending
 * @param deliveredPerSecond events received per second by the measured subscribers, over the same time
 * @param lost deliveries owed and not received once the phase had drained (or its bound passed)
 * @param serverCpuPercent the server's CPU over the phase and its drain; one core is 100
 * @param framesPerSecond frames received per second that carried events; fewer than events where batched
 * @param generatorCpuPercent this generator's own CPU over the same time: near 100, it was the limit
 */
record ThroughputPhase(String server, String phase, double offeredPerSecond, double deliveredPerSecond, long lost,
    double p50Ms, double p90Ms, double p99Ms, double p999Ms, double serverCpuPercent, double serverRssMib,
    double framesPerSecond, double generatorCpuPercent) {
}
