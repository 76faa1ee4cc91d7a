package dev.hub.http;

import dev.hub.auth.OriginPolicy;
import dev.hub.auth.TokenVerifier;
import dev.hub.config.HubConfig;
import dev.hub.control.ControlService;
import dev.hub.history.RoomHistory;
import dev.hub.metrics.HubMetrics;
import dev.hub.node.DeadLetters;
import dev.hub.node.NodeState;
import dev.hub.presence.PresenceQueries;
import dev.hub.room.RoomPublisher;
import java.util.Optional;

/**
 * What the HTTP API reads and acts on.
 *
 * @param verifier checks admin tokens; empty with auth off
 * @param deadLetters the NATS bridge's dead-letter file, or {@link DeadLetters#NONE}
 * @param control steers sessions on any node (disconnect, join, leave)
 */
public record ApiPorts(HubConfig config, NodeState state, PresenceQueries presence, RoomHistory history,
    RoomPublisher publisher, HubMetrics metrics, OriginPolicy origins, Optional<TokenVerifier> verifier,
    DeadLetters deadLetters, ControlService control) {
}
