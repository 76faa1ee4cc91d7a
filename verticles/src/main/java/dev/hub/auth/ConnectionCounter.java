package dev.hub.auth;

import java.util.concurrent.ConcurrentHashMap;

/** Open WebSocket sessions per remote address on this node, bounded by {@code limits.connectionsPerIp}. */
public final class ConnectionCounter {
  private final int maxPerAddress;
  private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();

  public ConnectionCounter(int maxPerAddress) {
    this.maxPerAddress = maxPerAddress;
  }

  /** Counts one more session from the address, unless it already has the most it may. */
  public boolean tryAcquire(String address) {
    boolean[] acquired = {false};
    open.compute(address, (a, count) -> {
      int current = count == null ? 0 : count;
      if (current >= maxPerAddress) {
        return count;
      }
      acquired[0] = true;
      return current + 1;
    });
    return acquired[0];
  }

  public void release(String address) {
    open.computeIfPresent(address, (a, count) -> count <= 1 ? null : count - 1);
  }
}
