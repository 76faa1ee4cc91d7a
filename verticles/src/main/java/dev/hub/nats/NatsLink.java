package dev.hub.nats;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.util.function.Consumer;
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
  private Options options;
  private volatile Connection current;
  private volatile State state = State.CONNECTING;
  private volatile String server;
  private boolean everConnected;
  private int failures;

  /**
   * @param onConnect sets a new connection up (subscriptions); throwing makes the attempt fail
   * @param onChange told of every change of {@link #state}, on whatever thread made it
   * @param onReconnect told of every connection made after the first
   */
  NatsLink(Backoff backoff, Consumer<Connection> onConnect, Runnable onChange, Runnable onReconnect) {
    this.backoff = backoff;
    this.onConnect = onConnect;
    this.onChange = onChange;
    this.onReconnect = onReconnect;
  }

  /** Set once, before the sender starts; the options carry {@link #listener()}. */
  void options(Options options) {
    this.options = options;
  }

  /** Hears jnats' connection events: a disconnect ends the connection, which jnats then closes. */
  ConnectionListener listener() {
    return (connection, event) -> {
      if (event == ConnectionListener.Events.DISCONNECTED || event == ConnectionListener.Events.CLOSED) {
        // Not closed from here, jnats' own thread: with its reconnect off, jnats closes it itself.
        forget(connection, "the connection " + event.getEvent());
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
        fresh = Nats.connect(options);
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
      LOG.warn("NATS: cannot connect to {}: {}; retrying with backoff", options.getServers(), e.toString());
    } else {
      LOG.debug("NATS: attempt {} failed: {}", failures, e.toString());
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
