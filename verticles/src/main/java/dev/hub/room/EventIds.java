package dev.hub.room;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Server-assigned event ids: unique across the cluster (a random tag per node start) and, within a node,
 * sortable by time as strings (a fixed-width base-36 count of milliseconds times 4096 plus a sequence).
 */
public final class EventIds {
  private static final int WIDTH = 12;

  private final String nodeTag;
  private final AtomicLong last = new AtomicLong();

  public EventIds(String nodeTag) {
    this.nodeTag = nodeTag;
  }

  public String next() {
    long candidate = System.currentTimeMillis() << 12;
    long value = last.accumulateAndGet(candidate, (prev, now) -> Math.max(prev + 1, now));
    String digits = Long.toString(value, 36);
    StringBuilder id = new StringBuilder(WIDTH + 1 + nodeTag.length());
    for (int i = digits.length(); i < WIDTH; i++) {
      id.append('0');
    }
    return id.append(digits).append('-').append(nodeTag).toString();
  }
}
