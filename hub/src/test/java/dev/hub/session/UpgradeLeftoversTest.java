package dev.hub.session;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The hub reaches into Vert.x to let go of each WebSocket's upgrade request (about 6 KiB per connection, bench
 * {@code capacity}). If a Vert.x upgrade renames what it clears, the hub still works but keeps the memory; this
 * test is what notices.
 */
class UpgradeLeftoversTest {

  @Test
  void thisVertxStillHasTheFieldThatKeepsTheUpgradeRequest() {
    assertTrue(UpgradeLeftovers.active(), "VertxHandler.connectionFactory not found: upgrade requests are kept");
  }
}
