package dev.hub.gateway;

import dev.hub.control.SessionCommand;
import dev.hub.control.SessionControl;
import io.vertx.core.Future;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The sessions of every gateway of this node, for work that reaches all of them (re-asserting presence, the
 * control API's commands). Each gateway adds its own when it starts; the work runs on each gateway's event loop.
 */
public final class NodeSessions implements SessionControl {
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

  @Override
  public Future<Integer> apply(SessionCommand command) {
    List<Future<Integer>> reached = gateways.stream().map(gateway -> gateway.control(command)).toList();
    return Future.all(reached).map(all -> reached.stream().mapToInt(Future::result).sum());
  }

  /** Shutdown: every session of every gateway gets {@code bye} and close 1001; presence removed. */
  public Future<Void> drain() {
    return Future.join(gateways.stream().map(GatewayVerticle::drain).toList()).mapEmpty();
  }
}
