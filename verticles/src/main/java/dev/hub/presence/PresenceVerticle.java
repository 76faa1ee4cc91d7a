package dev.hub.presence;

import dev.hub.config.PresenceConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backstop of presence: sweeps entries not touched for {@code presence.staleAfterMs}, whatever left them
 * behind, and tells the rooms they left.
 */
public final class PresenceVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PresenceVerticle.class);

  private final PresenceStore store;
  private final PresenceAnnouncer announcer;
  private final PresenceConfig config;
  private long timer = -1;

  public PresenceVerticle(PresenceStore store, PresenceAnnouncer announcer, PresenceConfig config) {
    this.store = store;
    this.announcer = announcer;
    this.config = config;
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(config.sweepMs(), id -> sweep());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void sweep() {
    store.sweep(System.currentTimeMillis() - config.staleAfterMs())
        .onSuccess(left -> {
          if (!left.isEmpty()) {
            LOG.info("swept {} stale presence entries", left.size());
          }
          left.forEach(announcer::left);
        })
        .onFailure(e -> LOG.warn("presence sweep failed", e));
  }
}
