package dev.hub.control;

import io.vertx.core.Future;

/** The sessions of this node, as the control API steers them: the port the gateways offer it. */
@FunctionalInterface
public interface SessionControl {

  /**
   * Applies the command to those of its sessions this node holds, each in its own request order.
   *
   * @return how many it reached (for a leave, how many were in the room), once each is done
   */
  Future<Integer> apply(SessionCommand command);
}
