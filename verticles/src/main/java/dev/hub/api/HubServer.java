package dev.hub.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.boot.Hub;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * A hub running inside an application's own Vert.x: its WebSocket, SSE and HTTP endpoints on its own port, with
 * the application publishing to rooms, reading presence, disconnecting users and deciding through its
 * {@link Hooks}. Started with {@link #start}, stopped with {@link #close}.
 *
 * <pre>{@code
 * HubServer.start(vertx, new HubOptions().setPort(8081).setHooks(new Hooks().setConnect(myConnectHook)))
 *     .onSuccess(hub -> hub.publish("news", "headline", json));
 * }</pre>
 *
 * <p>Every method may be called from any thread; none blocks.
 */
public interface HubServer {

  /**
   * Starts a single hub node on the application's Vert.x: it deploys its verticles there, and {@link #close}
   * undeploys them and leaves the Vert.x running. (A cluster member needs a Vert.x of its own, built with the
   * cluster manager: run the hub application for that.)
   *
   * @return the running hub, or a failure naming the bad option (an invalid configuration, a port in use)
   */
  static Future<HubServer> start(Vertx vertx, HubOptions options) {
    try {
      options.getConfig().validate();
      return Hub.start(options.getConfig(), vertx, options.getHooks()).map(hub -> (HubServer) hub);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
  }

  /** The port it listens on, the one picked when the options gave 0. */
  int port();

  /** The node's name, as clients and presence see it. */
  String nodeName();

  /**
   * Publishes an event to a room's members, wherever they are connected, as {@code POST /api/rooms/{room}/events}
   * does.
   *
   * @param data the event's data; {@code null} is JSON {@code null}
   * @return the event's id, once it is on its way (for a room with history, once kept)
   */
  Future<String> publish(String room, String event, JsonNode data);

  /** The room's members, one per session. */
  Future<List<RoomMember>> members(String room);

  /** How many sessions are in the room. */
  Future<Integer> count(String room);

  /** The user's sessions and their rooms. */
  Future<UserPresence> user(String user);

  /** Closes every session of the user ({@code bye}, close 4003); completes with how many were closed. */
  Future<Integer> disconnectUser(String user);

  /** Closes one session; fails when no node has it. */
  Future<Void> disconnectSession(String session);

  /**
   * Stops gracefully within {@code shutdown.graceMs}: refuses new clients, flushes and says {@code bye} to every
   * session, removes their presence, undeploys the hub's verticles.
   */
  Future<Void> close();
}
