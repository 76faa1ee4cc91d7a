package dev.hub.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The whole typed configuration of a node. Every default is declared in the record that owns the key
 * and equals the value documented in {@code config/hub.yaml}.
 */
public record HubConfig(
    NodeConfig node,
    HttpConfig http,
    HeartbeatConfig heartbeat,
    LimitsConfig limits,
    PresenceConfig presence,
    BatchConfig batch,
    HistoryConfig history,
    DedupConfig dedup,
    ShutdownConfig shutdown,
    ClusterConfig cluster,
    AuthConfig auth,
    NatsConfig nats,
    HooksConfig hooks) {

  /** The embedded defaults: a single node on 127.0.0.1:8080. */
  public static HubConfig defaults() {
    return new HubConfig(NodeConfig.defaults(), HttpConfig.defaults(), HeartbeatConfig.defaults(),
        LimitsConfig.defaults(), PresenceConfig.defaults(), BatchConfig.defaults(), HistoryConfig.defaults(),
        DedupConfig.defaults(),
        ShutdownConfig.defaults(), ClusterConfig.defaults(), AuthConfig.defaults(), NatsConfig.defaults(),
        HooksConfig.defaults());
  }

  /**
   * Checks every value's range.
   *
   * @throws IllegalArgumentException naming the first bad key, e.g. {@code http.port: must be 0 to 65535}
   */
  public void validate() {
    List<String> problems = new ArrayList<>();
    node.validate(problems);
    http.validate(problems);
    heartbeat.validate(problems);
    limits.validate(problems);
    presence.validate(problems);
    batch.validate(problems);
    history.validate(problems);
    dedup.validate(problems);
    shutdown.validate(problems);
    cluster.validate(problems);
    auth.validate(problems);
    require(problems, auth.enabled() || auth.allowAnonymous() || http.isLoopback(), "http.host",
        "listening on " + http.host() + " with auth off would let anyone connect; set auth.secret or "
            + "auth.publicKey, or auth.allowAnonymous: true on purpose");
    // Each heartbeat completes a write on every reader's connection, so a reader that reads is never idle for two.
    require(problems, http.idleTimeoutMs() == 0 || http.idleTimeoutMs() >= 2 * heartbeat.intervalMs(),
        "http.idleTimeoutMs", "must be 0 (never) or at least twice heartbeat.intervalMs (" + 2 * heartbeat.intervalMs()
            + "), or connections that only carry heartbeats would be cut");
    nats.validate(problems);
    hooks.validate(problems);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(problems.get(0));
    }
  }

  static void require(List<String> problems, boolean ok, String key, String rule) {
    if (!ok) {
      problems.add(key + ": " + rule);
    }
  }
}
