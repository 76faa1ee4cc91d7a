package dev.hub.nats;

import dev.hub.config.NatsConfig;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;

/** jnats {@link Options} from {@code nats.*}: servers, auth, TLS, timeouts. */
final class NatsOptions {
  /** How often an idle connection is pinged; a server silent for {@link #MAX_PINGS_OUT} pings is given up. */
  private static final Duration PING_INTERVAL = Duration.ofSeconds(5);
  private static final int MAX_PINGS_OUT = 3;

  private NatsOptions() {
  }

  /**
   * jnats' own reconnect is off: the bridge opens a new connection itself, so that what an old connection had
   * queued dies with it rather than arriving after the resend of what it had not confirmed (see
   * {@link NatsLink}).
   *
   * @param servers those of {@code nats.url} to connect to: all, or those but one in lame-duck mode
   */
  static Options build(NatsConfig config, java.util.List<String> servers, String connectionName,
      ConnectionListener connections, ErrorListener errors) {
    Options.Builder builder = new Options.Builder()
        .servers(servers.toArray(String[]::new))
        .connectionName(connectionName)
        .maxReconnects(0)
        .connectionTimeout(Duration.ofMillis(config.connectTimeoutMs()))
        .pingInterval(PING_INTERVAL)
        .maxPingsOut(MAX_PINGS_OUT)
        // A 503 status to a request is reported as such, so a client hears no_responders, not a timeout.
        .reportNoResponders()
        .requestCleanupInterval(Duration.ofSeconds(1))
        .connectionListener(connections)
        .errorListener(errors);
    if (config.token() != null) {
      builder.token(config.token().toCharArray());
    }
    if (config.user() != null) {
      builder.userInfo(config.user().toCharArray(), config.password().toCharArray());
    }
    if (config.credentialsFile() != null) {
      builder.authHandler(Nats.credentials(config.credentialsFile()));
    }
    tls(config, builder);
    return builder.build();
  }

  private static void tls(NatsConfig config, Options.Builder builder) {
    if (config.truststore() != null) {
      builder.truststorePath(config.truststore());
      if (config.truststorePassword() != null) {
        builder.truststorePassword(config.truststorePassword().toCharArray());
      }
    }
    if (config.keystore() != null) {
      builder.keystorePath(config.keystore());
      if (config.keystorePassword() != null) {
        builder.keystorePassword(config.keystorePassword().toCharArray());
      }
    }
    if (config.tls() && config.truststore() == null && config.keystore() == null) {
      try {
        builder.secure();
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("this JVM has no default TLS context", e);
      }
    }
  }
}
