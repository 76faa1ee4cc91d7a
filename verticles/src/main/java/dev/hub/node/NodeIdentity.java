package dev.hub.node;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/** This node's name as clients and the API see it, when it started, and the session ids it hands out. */
public final class NodeIdentity {
  private final String name;
  private final String tag = randomTag();
  private final long startedAt = System.currentTimeMillis();
  private final AtomicLong sessionCounter = new AtomicLong();

  public NodeIdentity(String name) {
    this.name = name;
  }

  public String name() {
    return name;
  }

  /** A random tag of this start, unique across the cluster's lifetimes; event ids carry it too. */
  public String tag() {
    return tag;
  }

  public long startedAt() {
    return startedAt;
  }

  /** A session id unique across the cluster: this start's tag and a counter. */
  public String newSessionId() {
    return tag + "-" + Long.toString(sessionCounter.incrementAndGet(), 36);
  }

  private static String randomTag() {
    SecureRandom random = new SecureRandom();
    StringBuilder tag = new StringBuilder(8);
    for (int i = 0; i < 8; i++) {
      tag.append(Character.forDigit(random.nextInt(36), 36));
    }
    return tag.toString();
  }
}
