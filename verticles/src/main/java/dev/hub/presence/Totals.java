package dev.hub.presence;

/** Cluster-wide totals, as {@code GET /api/presence} answers. */
public record Totals(int nodes, int connections, int users, int rooms) {
}
