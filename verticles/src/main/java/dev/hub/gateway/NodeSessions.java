package dev.hub.gateway;

import io.vertx.core.Future;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The sessions of every gateway of this node, for work that reaches all of them (re-asserting presence). Each
 * gateway adds its own when it starts; the work runs on each gateway's event loop.
 */
public final class NodeSessions {
  private final List<GatewayVerticle> gateways = new CopyOnWriteArrayList<>();

  void add(GatewayVerticle gateway) {
    gateways.add(gateway);
  }

  void remove(GatewayVerticle gateway) {
    gateways.remove(gateway);
  }

  /** Every session writes its presence again where the cluster lost it, each in its own order. */
  public void reassertPresence() {
    gateways.forEach(GatewayVerticle::reassertPresence);
  }

  /** Shutdown: every session of every gateway gets {@code bye} and close 1001; presence removed. */
  public Future<Void> drain() {
    return Future.join(gateways.stream().map(GatewayVerticle::drain).toList()).mapEmpty();
  }
}
