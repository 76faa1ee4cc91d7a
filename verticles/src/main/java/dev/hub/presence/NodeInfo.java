package dev.hub.presence;

/**
 * A node of the hub, as {@code GET /api/nodes} lists it.
 *
 * @param address the host:port its HTTP listener is bound to
 * @param since when it started, epoch millis
 */
public record NodeInfo(String node, String address, int connections, long since) {
}
