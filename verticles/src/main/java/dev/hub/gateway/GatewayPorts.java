package dev.hub.gateway;

import dev.hub.auth.BanStore;
import dev.hub.auth.ConnectionCounter;
import dev.hub.auth.OriginPolicy;
import dev.hub.auth.TokenVerifier;
import dev.hub.config.HubConfig;
import dev.hub.history.RoomHistory;
import dev.hub.hooks.BackendHooks;
import dev.hub.http.ApiRoutes;
import dev.hub.metrics.HubMetrics;
import dev.hub.node.NodeIdentity;
import dev.hub.node.NodeState;
import dev.hub.node.RequestRelay;
import dev.hub.presence.PresenceService;
import dev.hub.room.RoomBroker;
import dev.hub.room.RoomPublisher;
import dev.hub.session.BatchPolicy;
import dev.hub.session.VertxInternals;
import java.util.Optional;

/**
 * What the gateways of a node are given, each part built once by the application before any gateway starts.
 *
 * @param verifier checks clients' tokens; empty with auth off
 * @param requests where {@code request} frames go: the NATS bridge, or {@link RequestRelay#UNAVAILABLE}
 * @param sessions where each gateway lists its sessions for node-wide work
 * @param bans the users refused at the upgrade
 * @param hooks the hooks that decide connects, joins and publishes ({@link BackendHooks#NONE} for none)
 */
public record GatewayPorts(HubConfig config, NodeIdentity identity, NodeState state, PresenceService presence,
    RoomBroker broker, RoomHistory history, RoomPublisher publisher, HubMetrics metrics, BatchPolicy batchPolicy,
    Optional<TokenVerifier> verifier, ConnectionCounter connections, OriginPolicy origins, RequestRelay requests,
    VertxInternals internals, ApiRoutes api, NodeSessions sessions, BanStore bans, BackendHooks hooks) {
}
