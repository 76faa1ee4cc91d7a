package dev.hub.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Scheduler;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One node's copy of the bans in force, safe to read from any thread without waiting. Each entry goes at its
 * {@code until}, by a timer of Caffeine's scheduler, whether or not anyone reads it: a ban that has ended costs
 * nothing.
 */
public final class BanList {
  private final Cache<String, Long> bans = Caffeine.newBuilder()
      .expireAfter(Expiry.<String, Long>writing((user, until) ->
          Duration.ofMillis(Math.max(0, until - System.currentTimeMillis()))))
      .scheduler(Scheduler.systemScheduler())
      .build();

  /** The ban in force on {@code user}, or {@code null}. */
  public Ban get(String user) {
    Long until = bans.getIfPresent(user);
    return until == null || until <= System.currentTimeMillis() ? null : new Ban(user, until);
  }

  /** The end of the ban on {@code user} as held here, or {@code null}. */
  public Long untilOf(String user) {
    return bans.getIfPresent(user);
  }

  public void put(String user, long until) {
    bans.put(user, until);
  }

  /** @return the end of the ban that was held, or {@code null} */
  public Long remove(String user) {
    return bans.asMap().remove(user);
  }

  /** The bans in force, sorted by user, at most {@code limit}. */
  public List<Ban> list(int limit) {
    long now = System.currentTimeMillis();
    return bans.asMap().entrySet().stream()
        .filter(e -> e.getValue() > now)
        .sorted(Map.Entry.comparingByKey())
        .limit(limit)
        .map(e -> new Ban(e.getKey(), e.getValue()))
        .toList();
  }

  public int size() {
    long now = System.currentTimeMillis();
    return (int) bans.asMap().values().stream().filter(until -> until > now).count();
  }
}
