package dev.hub.presence;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A node of the hub, as {@code GET /api/nodes} lists it.
 *
 * @param address the host:port its HTTP listener is bound to
 * @param since when it started, epoch millis
 * @param nats its NATS bridge's link, absent on a node without a bridge
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NodeInfo(String node, String address, int connections, long since, Nats nats) {

  /** A node without a NATS bridge. */
  public NodeInfo(String node, String address, int connections, long since) {
    this(node, address, connections, since, null);
  }

  /** The same node with its NATS link's state. */
  public NodeInfo withNats(Nats state) {
    return new NodeInfo(node, address, connections, since, state);
  }

  /** The same node with another connection count. */
  public NodeInfo withConnections(int count) {
    return new NodeInfo(node, address, count, since, nats);
  }

  /**
   * The state of a node's NATS link, as last reported by the node.
   *
   * @param state {@code connecting}, {@code connected}, {@code reconnecting} or {@code closed}
   * @param server the server it is connected to, or {@code null}
   * @param pendingBytes outbound events held or not yet confirmed, in bytes
   */
  public record Nats(String state, String server, long pendingBytes) {
  }
}
