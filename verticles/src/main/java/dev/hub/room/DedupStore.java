package dev.hub.room;

import io.vertx.core.Future;

/**
 * Which client ids were already published within {@code dedup.windowMs}, per identity (a user, {@code api},
 * {@code nats}), so a retried publish is acknowledged but delivered once. A cluster shares one store, so a
 * client that retries through another node is still recognised.
 */
public interface DedupStore {

  /** True the first time an identity publishes a client id within the window; false for a repeat. */
  Future<Boolean> firstTime(String identity, String clientId);

  /** The key of a pair; identities and ids cannot contain a NUL character. */
  static String key(String identity, String clientId) {
    return identity + '\u0000' + clientId;
  }
}
