package dev.hub.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small network of its own for a split test, made of Linux network namespaces (needs root): a "switch"
 * namespace holding a bridge, one namespace per hub node with address 198.18.0.N/24 (N = 1, 2, 3...) on a veth
 * into the bridge, and this process's side at 198.18.0.254 on a veth from the root namespace into the bridge.
 * Addresses come from 198.18.0.0/15 only, the range reserved for network tests. The bridge sits in a namespace
 * of its own so that the root namespace's firewall never sees the nodes' traffic.
 *
 * <p>{@link #cut} drops, with {@code nft} inside the last node's namespace, every packet between that node and
 * the others, both ways, while this process still reaches every node; {@link #heal} deletes the rule. Everything
 * is named with {@link #PREFIX}: {@link #removeLeftovers} clears what a run that died left behind, and
 * {@link #close} (also run by a shutdown hook) kills what still runs inside the namespaces and deletes them.
 */
final class SplitNetwork implements AutoCloseable {
  /** Every namespace, link and nft table of this harness is named with it. */
  static final String PREFIX = "hubsplit";
  /** This process's address on the test network. */
  static final String CLIENT_ADDRESS = "198.18.0.254";
  private static final String SWITCH = PREFIX + "-sw";
  private static final String HOST_LINK = PREFIX + "-host";
  private static final String TABLE = PREFIX;

  private final int nodes;
  private final Thread cleanupOnExit = new Thread(this::removeAll, "split-network-cleanup");
  private boolean cut;

  private SplitNetwork(int nodes) {
    this.nodes = nodes;
  }

  /** Builds the network for {@code nodes} nodes, after clearing any leftovers of an earlier run. */
  static SplitNetwork create(int nodes) {
    if (!"root".equals(System.getProperty("user.name"))) {
      throw new IllegalStateException("the network split needs root (network namespaces, veth links, nft); "
          + "running as " + System.getProperty("user.name"));
    }
    removeLeftovers();
    SplitNetwork network = new SplitNetwork(nodes);
    Runtime.getRuntime().addShutdownHook(network.cleanupOnExit);
    try {
      network.build();
      return network;
    } catch (RuntimeException e) {
      network.close();
      throw e;
    }
  }

  private void build() {
    run("ip", "netns", "add", SWITCH);
    run("ip", "-n", SWITCH, "link", "add", "br0", "type", "bridge");
    run("ip", "-n", SWITCH, "link", "set", "br0", "up");
    run("ip", "link", "add", HOST_LINK, "type", "veth", "peer", "name", "host0", "netns", SWITCH);
    run("ip", "-n", SWITCH, "link", "set", "host0", "master", "br0", "up");
    run("ip", "addr", "add", CLIENT_ADDRESS + "/24", "dev", HOST_LINK);
    run("ip", "link", "set", HOST_LINK, "up");
    for (int n = 1; n <= nodes; n++) {
      String ns = namespace(n);
      run("ip", "netns", "add", ns);
      run("ip", "-n", ns, "link", "set", "lo", "up");
      run("ip", "-n", ns, "link", "add", "eth0", "type", "veth", "peer", "name", "node" + n, "netns", SWITCH);
      run("ip", "-n", SWITCH, "link", "set", "node" + n, "master", "br0", "up");
      run("ip", "-n", ns, "addr", "add", address(n) + "/24", "dev", "eth0");
      run("ip", "-n", ns, "link", "set", "eth0", "up");
    }
  }

  /** Node {@code n}'s namespace (1-based). */
  static String namespace(int n) {
    return PREFIX + "-n" + n;
  }

  /** Node {@code n}'s address (1-based). */
  static String address(int n) {
    return "198.18.0." + n;
  }

  /** {@code command} to run inside node {@code n}'s namespace. */
  static List<String> inNamespace(int n, List<String> command) {
    List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", namespace(n)));
    all.addAll(command);
    return all;
  }

  /** Drops every packet between the last node and the others, both ways; this process still reaches all. */
  void cut() {
    StringBuilder others = new StringBuilder();
    for (int n = 1; n < nodes; n++) {
      others.append(n > 1 ? ", " : "").append(address(n));
    }
    String rules = "table inet " + TABLE + " {\n"
        + "  chain in { type filter hook input priority -10; policy accept; ip saddr { " + others + " } drop; }\n"
        + "  chain out { type filter hook output priority -10; policy accept; ip daddr { " + others + " } drop; }\n"
        + "}\n";
    runWithInput(rules, "ip", "netns", "exec", namespace(nodes), "nft", "-f", "-");
    cut = true;
  }

  /** The rules in force in the last node's namespace, to show the cut is there. */
  String rules() {
    return run("ip", "netns", "exec", namespace(nodes), "nft", "list", "ruleset");
  }

  /** Lets packets flow again. */
  void heal() {
    run("ip", "netns", "exec", namespace(nodes), "nft", "delete", "table", "inet", TABLE);
    cut = false;
  }

  boolean isCut() {
    return cut;
  }

  /** Kills what runs inside the namespaces and deletes them; idempotent. */
  @Override
  public void close() {
    removeAll();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
    } catch (IllegalStateException e) {
      // Shutting down already: the hook is running or ran.
    }
  }

  private void removeAll() {
    removeLeftovers();
  }

  /** Deletes every namespace and link named with {@link #PREFIX}, after killing the processes inside them. */
  static void removeLeftovers() {
    for (String line : run("ip", "netns", "list").split("\n")) {
      String ns = line.trim().split("\\s+")[0];
      if (!ns.startsWith(PREFIX + "-")) {
        continue;
      }
      // Only processes inside this harness's own namespaces: the hub nodes it started (and ip netns exec).
      for (String pid : run("ip", "netns", "pids", ns).split("\\s+")) {
        if (!pid.isBlank()) {
          ProcessHandle.of(Long.parseLong(pid.trim())).ifPresent(p -> {
            p.destroyForcibly();
            p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
          });
        }
      }
      tryRun("ip", "netns", "del", ns);
    }
    if (tryRun("ip", "link", "show", HOST_LINK)) {
      tryRun("ip", "link", "del", HOST_LINK);
    }
  }

  /** Whether nothing of the harness is left: no namespace or link of its name. */
  static boolean nothingLeft() {
    return run("ip", "netns", "list").lines().noneMatch(l -> l.startsWith(PREFIX + "-"))
        && !tryRun("ip", "link", "show", HOST_LINK);
  }

  private static String run(String... command) {
    return runWithInput(null, command);
  }

  private static boolean tryRun(String... command) {
    try {
      runWithInput(null, command);
      return true;
    } catch (IllegalStateException e) {
      return false;
    }
  }

  /** Runs {@code command} to its end (bounded) and returns its output; fails naming it when it does not exit 0. */
  private static String runWithInput(String input, String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      if (input != null) {
        process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
      }
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + ": no exit within 30 s");
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " exited " + process.exitValue() + ": "
            + output.strip());
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
