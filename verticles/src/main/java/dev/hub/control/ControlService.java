package dev.hub.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.hub.auth.Ban;
import dev.hub.auth.BanStore;
import dev.hub.presence.PresenceQueries;
import dev.hub.presence.UserPresence;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.Json;
import dev.hub.protocol.ProtocolException;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control API of PROTOCOL.md section 7, from whichever node takes the call: finds the sessions concerned in
 * presence (cluster-wide), sends each node holding some of them one {@link SessionCommand}, and adds up how many
 * sessions the nodes reached. A node that does not answer within the bound reached none. Bans go through the
 * {@link BanStore}, which every node's admission reads.
 */
public final class ControlService {
  private static final Logger LOG = LoggerFactory.getLogger(ControlService.class);
  /** How long a node may take to apply a command (a join waits for the cluster's interest acks). */
  private static final long NODE_TIMEOUT_MS = 10_000;

  private final EventBus eventBus;
  private final PresenceQueries presence;
  private final BanStore bans;
  private final DeliveryOptions options = new DeliveryOptions().setSendTimeout(NODE_TIMEOUT_MS);

  public ControlService(EventBus eventBus, PresenceQueries presence, BanStore bans) {
    this.eventBus = eventBus;
    this.presence = presence;
    this.bans = bans;
  }

  /** Every session of the user, on every node: {@code bye}, close 4003. */
  public Future<Integer> disconnectUser(String user) {
    return forUser(user, s -> true, SessionCommand.Op.DISCONNECT, null);
  }

  /**
   * Bans the user for {@code forMs}, then disconnects every session of it: once the ban holds on every node, so
   * that no session the disconnect closes can come back, and none opened meanwhile is let in.
   *
   * @return the ban and the sessions reached
   */
  public Future<Banned> banUser(String user, long forMs) {
    return bans.ban(user, forMs).compose(ban -> disconnectUser(user).map(reached -> new Banned(ban, reached)));
  }

  /** Lifts the ban on the user on every node; whether one was in force. */
  public Future<Boolean> liftBan(String user) {
    return bans.lift(user);
  }

  /** The bans in force, sorted by user. */
  public List<Ban> bans(int limit) {
    return bans.list(limit);
  }

  /** A ban in force, and how many sessions its disconnect reached. */
  public record Banned(Ban ban, int sessions) {
  }

  /** One session, wherever it is; fails with {@code not_found} when no node has it. */
  public Future<Integer> disconnectSession(String session) {
    return presence.session(session).compose(info -> {
      if (info == null) {
        return Future.failedFuture(new ProtocolException(ErrorCode.NOT_FOUND, "no node has session " + session));
      }
      return send(info.node(), new SessionCommand(SessionCommand.Op.DISCONNECT, List.of(session), null))
          .compose(reached -> reached > 0 ? Future.succeededFuture(reached) : Future.failedFuture(
              new ProtocolException(ErrorCode.NOT_FOUND, "session " + session + " is gone")));
    });
  }

  /** Each current session of the user joins the room. */
  public Future<Integer> joinUser(String user, String room) {
    return forUser(user, s -> true, SessionCommand.Op.JOIN, room);
  }

  /** Each session of the user that is in the room leaves it. */
  public Future<Integer> leaveUser(String user, String room) {
    return forUser(user, s -> s.rooms().contains(room), SessionCommand.Op.LEAVE, room);
  }

  private Future<Integer> forUser(String user, Predicate<UserPresence.UserSession> which, SessionCommand.Op op,
      String room) {
    return presence.user(user).compose(found -> {
      Map<String, List<String>> byNode = new LinkedHashMap<>();
      for (UserPresence.UserSession session : found.sessions()) {
        if (which.test(session)) {
          byNode.computeIfAbsent(session.node(), n -> new ArrayList<>()).add(session.session());
        }
      }
      List<Future<Integer>> reached = new ArrayList<>();
      byNode.forEach((node, sessions) -> reached.add(send(node, new SessionCommand(op, sessions, room))));
      return Future.join(reached).transform(done -> Future.succeededFuture(
          reached.stream().filter(Future::succeeded).mapToInt(Future::result).sum()));
    });
  }

  private Future<Integer> send(String node, SessionCommand command) {
    return eventBus.<String>request(ControlAddresses.of(node), Json.encode(command), options)
        .map(reply -> decode(reply.body()).sessions())
        .onFailure(e -> LOG.warn("node {} did not apply {} to {} sessions: {}", node, command.op(),
            command.sessions().size(), e.getMessage()));
  }

  private static ControlVerticle.Reached decode(String json) {
    try {
      return Json.MAPPER.readValue(json, ControlVerticle.Reached.class);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
