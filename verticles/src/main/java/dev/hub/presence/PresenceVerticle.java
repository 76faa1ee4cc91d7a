package dev.hub.presence;

import dev.hub.config.PresenceConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps presence true over time: vouches for this node's sessions every {@code presence.refreshMs} (one write
 * for all of them), has them written again when the cluster lost them, and sweeps the entries no live node
 * vouched for within {@code presence.staleAfterMs}, whatever left them behind.
 */
public final class PresenceVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PresenceVerticle.class);

  private final PresenceService presence;
  private final PresenceConfig config;
  private final Runnable reassertLocalSessions;
  /** How often this node's entry in {@code /api/nodes} is checked for a change (its NATS link's state). */
  private static final long RELIST_EVERY_MS = 1_000;

  private long vouchTimer = -1;
  private long sweepTimer = -1;
  private long relistTimer = -1;

  /**
   * @param reassertLocalSessions has every session of this node write its presence again, each in its own order
   */
  public PresenceVerticle(PresenceService presence, PresenceConfig config, Runnable reassertLocalSessions) {
    this.presence = presence;
    this.config = config;
    this.reassertLocalSessions = reassertLocalSessions;
  }

  @Override
  public Future<?> start() {
    vouchTimer = vertx.setPeriodic(config.refreshMs(), id -> vouch());
    sweepTimer = vertx.setPeriodic(config.sweepMs(), id -> sweep());
    relistTimer = vertx.setPeriodic(RELIST_EVERY_MS, id -> presence.relistNode()
        .onFailure(e -> LOG.debug("listing this node failed; next try in {} ms", RELIST_EVERY_MS, e)));
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(vouchTimer);
    vertx.cancelTimer(sweepTimer);
    vertx.cancelTimer(relistTimer);
    return Future.succeededFuture();
  }

  private void vouch() {
    presence.vouch(System.currentTimeMillis())
        .onSuccess(present -> {
          if (!present) {
            LOG.warn("the cluster had lost this node's presence; its sessions write theirs again");
            reassertLocalSessions.run();
          }
        })
        .onFailure(e -> LOG.warn("vouching for this node's sessions failed; next try in {} ms", config.refreshMs(), e));
  }

  private void sweep() {
    presence.sweep(System.currentTimeMillis() - config.staleAfterMs())
        .onSuccess(left -> {
          if (left > 0) {
            LOG.info("swept {} presence entries no live node vouched for", left);
          }
        })
        .onFailure(e -> LOG.warn("presence sweep failed", e));
  }
}
