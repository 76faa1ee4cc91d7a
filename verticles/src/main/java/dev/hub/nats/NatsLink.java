package dev.hub.nats;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge's connection to NATS: made on the sender thread, forever, with exponential backoff and jitter.
 *
 * <p>jnats can reconnect by itself and keeps what it had queued across the gap, but what it had already written
 * to the socket of a server that died is gone. To resend that without it arriving behind newer messages, each
 * connection here is used until it fails, then closed with whatever it still held, and a fresh one made; the
 * sender then resends, in order, everything the old one had not confirmed. The subscriptions of
 * {@code onConnect} are made again on each new connection.
 *
 * <p>A server that announces lame-duck mode is left before it cuts the connection: between two batches the
 * sender asks {@link #leaveLameDuck}, which connects to another server of {@code nats.url}, makes it the link's
 * connection and drains the old one. Nothing is resent: the old connection confirmed everything sent on it.
 */
final class NatsLink {
  private static final Logger LOG = LoggerFactory.getLogger(NatsLink.class);

  /** The link's states, as {@code /ready}, {@code /metrics} and {@code /api/nodes} name them. */
  enum State {
    CONNECTING, CONNECTED, RECONNECTING, CLOSED;

    String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final Backoff backoff;
  private final Consumer<Connection> onConnect;
  private final Runnable onChange;
  private final Runnable onReconnect;
  private final Runnable onLameDuckMove;
  private List<String> servers;
  private Function<List<String>, Options> optionsFor;
  private volatile Connection current;
  private volatile Connection lameDuck;
  private long nextMoveNanos;
  private int moveFailures;
  private volatile State state = State.CONNECTING;
  private volatile String server;
  private boolean everConnected;
  private int failures;

  /**
   * @param onConnect sets a new connection up (subscriptions); throwing makes the attempt fail
   * @param onChange told of every change of {@link #state}, on whatever thread made it
   * @param onReconnect told of every connection made after the first
   * @param onLameDuckMove told of every move off a server in lame-duck mode
   */
  NatsLink(Backoff backoff, Consumer<Connection> onConnect, Runnable onChange, Runnable onReconnect,
      Runnable onLameDuckMove) {
    this.backoff = backoff;
    this.onConnect = onConnect;
    this.onChange = onChange;
    this.onReconnect = onReconnect;
    this.onLameDuckMove = onLameDuckMove;
  }

  /**
   * Set once, before the sender starts.
   *
   * @param servers {@code nats.url}
   * @param optionsFor the options for connecting to some of them; they carry {@link #listener()}
   */
  void options(List<String> servers, Function<List<String>, Options> optionsFor) {
    this.servers = List.copyOf(servers);
    this.optionsFor = optionsFor;
  }

  /**
   * Hears jnats' connection events: a disconnect ends the connection, which jnats then closes; lame-duck mode
   * marks the connection to be left.
   */
  ConnectionListener listener() {
    return (connection, event) -> {
      if (event == ConnectionListener.Events.DISCONNECTED || event == ConnectionListener.Events.CLOSED) {
        // Not closed from here, jnats' own thread: with its reconnect off, jnats closes it itself.
        forget(connection, "the connection " + event.getEvent());
      } else if (event == ConnectionListener.Events.LAME_DUCK && connection == current) {
        LOG.info("NATS: {} announced lame-duck mode; moving to another server", connection.getConnectedUrl());
        lameDuck = connection;
        onChange.run();
      }
    };
  }

  State state() {
    return state;
  }

  /** The URL of the server connected to, or {@code null}. */
  String server() {
    return server;
  }

  /** The connection while it is up, else {@code null}. */
  Connection connected() {
    Connection connection = current;
    return connection != null && connection.getStatus() == Connection.Status.CONNECTED ? connection : null;
  }

  /**
   * On the sender thread: the live connection, made first if there is none, retrying for as long as it takes.
   *
   * @param sleep waits the given ms; false when the bridge is stopping
   * @return {@code null} once the bridge is stopping
   */
  Connection awaitConnected(LongPredicate sleep) {
    while (state != State.CLOSED) {
      Connection live = connected();
      if (live != null) {
        return live;
      }
      Connection fresh = null;
      try {
        fresh = Nats.connect(optionsFor.apply(servers));
        onConnect.accept(fresh);
        if (adopt(fresh)) {
          return fresh;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        closeQuietly(fresh);
        return null;
      } catch (Exception e) {
        closeQuietly(fresh);
        failed(e);
        if (!sleep.test(backoff.delayMs(failures))) {
          return null;
        }
      }
    }
    return null;
  }

  /**
   * On the sender thread, between batches: when {@code connection} announced lame-duck mode, a connection to
   * another server of {@code nats.url} (any of them when it names no other) becomes the link's, and the old one is
   * drained; when none can be made now, the old one stays and the move is tried again after a backoff.
   *
   * @return the connection to send on
   */
  Connection leaveLameDuck(Connection connection) throws InterruptedException {
    if (lameDuck != connection || System.nanoTime() - nextMoveNanos < 0) {
      return connection;
    }
    String old = connection.getConnectedUrl();
    List<String> others = ServerUrls.without(servers, old);
    Connection fresh = null;
    try {
      fresh = Nats.connect(optionsFor.apply(others.isEmpty() ? servers : others));
      onConnect.accept(fresh);
    } catch (InterruptedException e) {
      closeQuietly(fresh);
      throw e;
    } catch (Exception e) {
      closeQuietly(fresh);
      moveFailures++;
      nextMoveNanos = System.nanoTime() + backoff.delayMs(moveFailures) * 1_000_000;
      if (moveFailures == 1) {
        LOG.warn("NATS: cannot move off {} (lame duck) yet: {}; staying on it, trying again", old, e.toString());
      }
      return connection;
    }
    synchronized (this) {
      if (state == State.CLOSED) {
        closeQuietly(fresh);
        return connection;
      }
      current = fresh;
      server = fresh.getConnectedUrl();
      state = State.CONNECTED;
      lameDuck = null;
      moveFailures = 0;
    }
    LOG.info("NATS: moved from {} (lame duck) to {}", old, server);
    onLameDuckMove.run();
    onChange.run();
    drainQuietly(connection);
    return fresh;
  }

  /** Ends a connection that failed (a missing confirmation, a refused write); the next use makes a new one. */
  void lost(Connection connection, String why) {
    forget(connection, why);
    closeQuietly(connection);
  }

  private void forget(Connection connection, String why) {
    boolean wasCurrent;
    synchronized (this) {
      wasCurrent = connection == current;
      if (wasCurrent) {
        current = null;
        server = null;
        if (state != State.CLOSED) {
          state = State.RECONNECTING;
        }
      }
    }
    if (wasCurrent) {
      LOG.info("NATS: connection lost ({}); reconnecting", why);
      onChange.run();
    }
  }

  /** Stops for good: no more connections; the current one is closed. */
  void close() {
    Connection connection;
    synchronized (this) {
      state = State.CLOSED;
      connection = current;
      current = null;
      server = null;
    }
    onChange.run();
    closeQuietly(connection);
  }

  private boolean adopt(Connection fresh) {
    boolean reconnect;
    synchronized (this) {
      if (state == State.CLOSED) {
        closeQuietly(fresh);
        return false;
      }
      current = fresh;
      server = fresh.getConnectedUrl();
      state = State.CONNECTED;
      reconnect = everConnected;
      everConnected = true;
      failures = 0;
    }
    LOG.info("NATS: connected to {}", server);
    if (reconnect) {
      onReconnect.run();
    }
    onChange.run();
    return true;
  }

  private void failed(Exception e) {
    State next;
    synchronized (this) {
      failures++;
      next = state == State.CLOSED ? State.CLOSED : everConnected ? State.RECONNECTING : State.CONNECTING;
      state = next;
    }
    // The first failure says why; repeats of it would only be noise while NATS stays away.
    if (failures == 1) {
      LOG.warn("NATS: cannot connect to {}: {}; retrying with backoff", servers, e.toString());
    } else {
      LOG.debug("NATS: attempt {} failed: {}", failures, e.toString());
    }
  }

  /** Lets an old connection finish what it has (inbound messages, replies) and close, without waiting for it. */
  private static void drainQuietly(Connection connection) {
    try {
      connection.drain(connection.getOptions().getConnectionTimeout());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeQuietly(connection);
    } catch (Exception e) {
      closeQuietly(connection);
    }
  }

  private static void closeQuietly(Connection connection) {
    if (connection == null || connection.getStatus() == Connection.Status.CLOSED) {
      return;
    }
    try {
      connection.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
