package dev.hub.node;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Whether this node takes traffic: draining from the start of shutdown, and the readiness of what it depends
 * on, each check given once when the node is wired.
 */
public final class NodeState {
  private final Map<String, Supplier<Readiness>> checks;
  private volatile boolean draining;

  /** @param checks the lines of {@code /ready} by name, e.g. {@code cluster} and {@code nats} */
  public NodeState(Map<String, Supplier<Readiness>> checks) {
    this.checks = new TreeMap<>(checks);
  }

  /** True from the start of shutdown: upgrades are refused and {@code /ready} is down. */
  public boolean draining() {
    return draining;
  }

  public void startDraining() {
    draining = true;
  }

  /** The current state of every readiness check, by name. */
  public Map<String, Readiness> readiness() {
    Map<String, Readiness> states = new LinkedHashMap<>();
    checks.forEach((name, check) -> states.put(name, check.get()));
    return states;
  }
}
