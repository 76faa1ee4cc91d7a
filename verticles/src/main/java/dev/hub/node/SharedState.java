package dev.hub.node;

import dev.hub.presence.PresenceStore;
import dev.hub.room.DedupStore;
import dev.hub.room.RoomBroker;

/**
 * The parts a cluster shares and a single node keeps in memory: presence, room fan-out and publish dedup.
 * Single-node and clustered implementations sit behind the same interfaces.
 */
public record SharedState(PresenceStore presence, RoomBroker broker, DedupStore dedup) {
}
