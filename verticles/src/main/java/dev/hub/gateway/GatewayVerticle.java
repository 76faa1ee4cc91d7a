package dev.hub.gateway;

import dev.hub.auth.HostPolicy;
import dev.hub.control.SessionCommand;
import dev.hub.http.HttpReplies;
import dev.hub.http.StaticRoutes;
import dev.hub.protocol.ErrorCode;
import dev.hub.session.BatchScheduler;
import dev.hub.session.TurnFlusher;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP server of one event loop: {@code /ws}, the HTTP API, health and metrics. Owns the sessions it
 * accepted, their local room membership and their heartbeat. Deployed once per event loop. Every request and
 * upgrade passes the {@link HostPolicy} first, and every connection the idle timeout ({@code http.idleTimeoutMs}).
 */
public final class GatewayVerticle extends VerticleBase {
  private final GatewayPorts ports;
  private final int port;
  private HttpServer server;
  private ShardSessions sessions;
  private SessionCommands commands;
  private Heartbeat heartbeat;

  /**
   * @param port the port to bind; the application resolves port 0 once so every instance shares one port
   */
  public GatewayVerticle(GatewayPorts ports, int port) {
    this.ports = ports;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    LocalRooms rooms = new LocalRooms(context, ports.broker(), ports.history(), ports.batchPolicy());
    sessions = new ShardSessions(vertx, ports, rooms, new BatchScheduler(vertx, ports.config().batch().maxDelayMs()),
        new TurnFlusher(context));
    PatternRequests patterns = new PatternRequests(rooms, ports.config().limits().maxRoomsPerSession());
    ServerMemberships memberships = new ServerMemberships(ports.presence(), rooms, patterns);
    ClientRequests requests = new ClientRequests(ports, rooms, sessions, patterns,
        new TokenRefresh(ports.verifier(), sessions, memberships));
    commands = new SessionCommands(sessions, memberships);
    heartbeat = new Heartbeat(vertx, ports.config().heartbeat(), sessions);
    heartbeat.start();

    Router router = Router.router(vertx);
    ports.api().mount(router);
    Admission admission = new Admission(ports);
    WebSocketEndpoint webSockets = new WebSocketEndpoint(ports, admission, sessions, requests);
    router.get("/sse").handler(new SseEndpoint(ports, admission, sessions, requests)::open);
    StaticRoutes.mount(router);

    HostPolicy hosts = new HostPolicy(ports.config().http().allowedHosts(), ports.config().auth().enabled());
    // No h2c and no WebSocket compression: neither handler then sits in every connection's pipeline. Compression
    // would deflate each event again for every recipient and keep a deflater per connection, what encoding
    // once per node avoids; nats-server and Socket.IO leave it off by default for the same reasons.
    HttpServerOptions options = new HttpServerOptions()
        .setMaxWebSocketFrameSize(decoderFrameLimit(ports.config().limits().maxFrameBytes()))
        .setHttp2ClearTextEnabled(false)
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false)
        // Idle: nothing read and no write completed. Vert.x then drops the connection outright, with whatever a
        // client that stopped reading left queued; a reader that reads completes a write each heartbeat.
        .setIdleTimeout((int) ports.config().http().idleTimeoutMs())
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
    server = vertx.createHttpServer(options).requestHandler(request -> {
      if (!HostPolicy.exempt(request.path()) && !hosts.allows(request.getHeader("Host"))) {
        refuseHost(request);
      } else if (request.method() == HttpMethod.GET && "/ws".equals(request.path())) {
        webSockets.upgrade(request);
      } else {
        router.handle(request);
      }
    });
    return server.listen(port, ports.config().http().host()).onSuccess(s -> ports.sessions().add(this));
  }

  /** PROTOCOL.md section 6: 403 for a {@code Host} that is not this machine's nor an allowed one, with auth off. */
  private void refuseHost(HttpServerRequest request) {
    ports.metrics().error(ErrorCode.FORBIDDEN);
    HttpReplies.error(request, ErrorCode.FORBIDDEN.httpStatus(), ErrorCode.FORBIDDEN,
        "host not allowed: with auth off, only loopback hosts and http.allowedHosts are served");
  }

  /**
   * The decoder's own frame limit, with headroom over {@code limits.maxFrameBytes}: a message over the limit
   * must reach {@link MessageAssembler}, which closes the session with 1009 in an orderly way. When the decoder
   * itself refuses a frame, Vert.x drops the connection at once and the close frame is lost; that remains only
   * for frames over twice the limit, and bounds what one frame can make the hub buffer.
   */
  public static int decoderFrameLimit(int maxFrameBytes) {
    return (int) Math.min(Integer.MAX_VALUE, 2L * maxFrameBytes);
  }

  /** The port this instance is bound to. */
  public int actualPort() {
    return server.actualPort();
  }

  /** Shutdown, on this verticle's event loop: {@code bye} and close 1001 for every session, presence removed. */
  Future<Void> drain() {
    return onThisLoop(() -> sessions.drain());
  }

  /** A control API command, on this verticle's event loop; how many of its sessions it reached here. */
  Future<Integer> control(SessionCommand command) {
    return onThisLoop(() -> commands.apply(command));
  }

  void reassertPresence() {
    context.runOnContext(v -> sessions.reassertPresence());
  }

  private <T> Future<T> onThisLoop(java.util.function.Supplier<Future<T>> work) {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> work.get().onComplete(done));
    return done.future();
  }

  @Override
  public Future<?> stop() {
    ports.sessions().remove(this);
    heartbeat.stop();
    sessions.stop();
    return server.close();
  }
}
