package dev.hub.room;

import io.vertx.core.Future;

/**
 * Which client ids were already published within {@code dedup.windowMs}, per identity (a user, {@code api},
 * {@code nats}), so a retried publish is acknowledged but delivered once. A cluster shares one store, so a
 * client that retries through another node is still recognised. An id is remembered only once its event was
 * kept or handed to the broker: a publish that failed is delivered when it is sent again.
 */
public interface DedupStore {

  /** Whether the identity's client id is remembered within the window. */
  Future<Boolean> seen(String identity, String clientId);

  /** Remembers the identity's client id for the window. */
  Future<Void> remember(String identity, String clientId);

  /** The key of a pair; identities and ids cannot contain a NUL character. */
  static String key(String identity, String clientId) {
    return identity + '\u0000' + clientId;
  }
}
