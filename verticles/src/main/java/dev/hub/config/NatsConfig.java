package dev.hub.config;

import java.util.List;

/**
 * The NATS bridge (PROTOCOL.md section 8). Off while {@code url} is empty.
 *
 * @param url the NATS servers, e.g. {@code nats://a:4222}; empty: no bridge
 * @param prefix the first subject token: {@code <prefix>.rooms.<room>} and so on
 * @param required whether {@code /ready} answers 503 while NATS is not connected
 * @param token an auth token, or {@code null}
 * @param user a user name (with {@code password}), or {@code null}
 * @param password the user's password, or {@code null}
 * @param credentialsFile a NATS {@code .creds} file (JWT and NKey seed), or {@code null}
 * @param tls whether to require TLS even for {@code nats://} URLs ({@code tls://} URLs always use it)
 * @param truststore a PKCS12 or JKS file of the certificate authorities to trust; {@code null}: the JVM's
 * @param truststorePassword the truststore's password, or {@code null}
 * @param keystore a PKCS12 or JKS file with this client's certificate and key (mutual TLS), or {@code null}
 * @param keystorePassword the keystore's password, or {@code null}
 * @param connectTimeoutMs how long one connection attempt to one server may take
 * @param reconnectWaitMs the wait after the first failed attempt; it doubles with every further one
 * @param retryWaitMs the wait before the first retry of an unacknowledged JetStream publish; it doubles too
 * @param maxWaitMs the longest wait between reconnect attempts or between retries
 * @param jitterMs a random 0 to this many ms added to every wait, so nodes do not retry in step
 * @param requestTimeoutMs a {@code request} frame's timeout when it gives none
 * @param maxRequestTimeoutMs the longest timeout a {@code request} frame may ask for; longer ones are cut to it
 * @param bufferBytes outbound events held while NATS is unreachable or unconfirmed; more go to the DLQ file
 * @param jetstream whether outbound publishes wait for a JetStream stream's ack (else: the server's)
 * @param ackTimeoutMs how long to wait for that ack, or for the server's confirmation in core mode
 * @param maxAttempts JetStream publishes refused this often go to the dead-letter queue
 * @param dlqDir where the dead-letter file is written when {@code <prefix>.dlq} cannot be reached
 * @param dlqQueueBytes dead letters waiting to be written to that file; while it is full, client publishes are
 *     refused with {@code unavailable} once the outbound buffer is full too
 */
public record NatsConfig(List<String> url, String prefix, boolean required, String token, String user,
    String password, String credentialsFile, boolean tls, String truststore, String truststorePassword,
    String keystore, String keystorePassword, long connectTimeoutMs, long reconnectWaitMs, long retryWaitMs,
    long maxWaitMs, long jitterMs, long requestTimeoutMs, long maxRequestTimeoutMs, long bufferBytes,
    boolean jetstream, long ackTimeoutMs, int maxAttempts, String dlqDir, long dlqQueueBytes) {

  /** {@code hub}: subjects {@code hub.rooms.>}, {@code hub.events.>} and so on. */
  public static final String DEFAULT_PREFIX = "hub";
  /** Not required: a node serves its clients while NATS is away. */
  public static final boolean DEFAULT_REQUIRED = false;
  /** Plain TCP unless a URL says {@code tls://}. */
  public static final boolean DEFAULT_TLS = false;
  /** 2 s per server and attempt. */
  public static final long DEFAULT_CONNECT_TIMEOUT_MS = 2_000;
  /** 250 ms, doubling: a restarted server is found again within a second or two. */
  public static final long DEFAULT_RECONNECT_WAIT_MS = 250;
  /** 100 ms, doubling. */
  public static final long DEFAULT_RETRY_WAIT_MS = 100;
  /** 5 s at most between attempts, forever. */
  public static final long DEFAULT_MAX_WAIT_MS = 5_000;
  /** Up to 100 ms of random jitter. */
  public static final long DEFAULT_JITTER_MS = 100;
  /** 5 s, as in PROTOCOL.md's example. */
  public static final long DEFAULT_REQUEST_TIMEOUT_MS = 5_000;
  /** 30 s: a client cannot hold a request open longer. */
  public static final long DEFAULT_MAX_REQUEST_TIMEOUT_MS = 30_000;
  /** 8 MiB of held events: tens of thousands of typical events. */
  public static final long DEFAULT_BUFFER_BYTES = 8L * 1024 * 1024;
  /** Core NATS: confirmed by the server, no stream needed. */
  public static final boolean DEFAULT_JETSTREAM = false;
  /** 5 s for an ack or a confirmation. */
  public static final long DEFAULT_ACK_TIMEOUT_MS = 5_000;
  /** 5 attempts: about 1.5 s of doubling waits from 100 ms. */
  public static final int DEFAULT_MAX_ATTEMPTS = 5;
  /** {@code dlq} under the working directory. */
  public static final String DEFAULT_DLQ_DIR = "dlq";
  /** 2 MiB waiting for the file: many groups' worth, since each group is one write and one fsync. */
  public static final long DEFAULT_DLQ_QUEUE_BYTES = 2L * 1024 * 1024;

  public static NatsConfig defaults() {
    return new NatsConfig(List.of(), DEFAULT_PREFIX, DEFAULT_REQUIRED, null, null, null, null, DEFAULT_TLS, null,
        null, null, null, DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_RECONNECT_WAIT_MS, DEFAULT_RETRY_WAIT_MS,
        DEFAULT_MAX_WAIT_MS, DEFAULT_JITTER_MS, DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_MAX_REQUEST_TIMEOUT_MS,
        DEFAULT_BUFFER_BYTES, DEFAULT_JETSTREAM, DEFAULT_ACK_TIMEOUT_MS, DEFAULT_MAX_ATTEMPTS, DEFAULT_DLQ_DIR,
        DEFAULT_DLQ_QUEUE_BYTES);
  }

  /** Whether the bridge runs: some server is named. */
  public boolean enabled() {
    return url != null && !url.isEmpty();
  }

  void validate(List<String> problems) {
    HubConfig.require(problems, url != null && url.stream().allMatch(NatsConfig::isServer), "nats.url",
        "must be a list of servers such as nats://host:4222");
    HubConfig.require(problems, prefix != null && isPrefix(prefix), "nats.prefix",
        "must be subject tokens of A-Z a-z 0-9 _ - separated by single dots");
    HubConfig.require(problems, !required || enabled(), "nats.required", "needs nats.url");
    HubConfig.require(problems, (user == null) == (password == null), "nats.password",
        "nats.user and nats.password go together");
    HubConfig.require(problems, connectTimeoutMs >= 100 && connectTimeoutMs <= 60_000, "nats.connectTimeoutMs",
        "must be 100 to 60000");
    HubConfig.require(problems, reconnectWaitMs >= 1, "nats.reconnectWaitMs", "must be at least 1");
    HubConfig.require(problems, retryWaitMs >= 1, "nats.retryWaitMs", "must be at least 1");
    HubConfig.require(problems, maxWaitMs >= reconnectWaitMs && maxWaitMs >= retryWaitMs, "nats.maxWaitMs",
        "must be at least nats.reconnectWaitMs and nats.retryWaitMs");
    HubConfig.require(problems, jitterMs >= 0, "nats.jitterMs", "must not be negative");
    HubConfig.require(problems, requestTimeoutMs >= 1 && requestTimeoutMs <= maxRequestTimeoutMs,
        "nats.requestTimeoutMs", "must be 1 to nats.maxRequestTimeoutMs");
    HubConfig.require(problems, maxRequestTimeoutMs <= 3_600_000, "nats.maxRequestTimeoutMs",
        "must be at most 3600000");
    HubConfig.require(problems, bufferBytes >= 1024, "nats.bufferBytes", "must be at least 1024");
    HubConfig.require(problems, ackTimeoutMs >= 10, "nats.ackTimeoutMs", "must be at least 10");
    HubConfig.require(problems, maxAttempts >= 1, "nats.maxAttempts", "must be at least 1");
    HubConfig.require(problems, dlqDir != null && !dlqDir.isBlank(), "nats.dlqDir", "must not be empty");
    HubConfig.require(problems, dlqQueueBytes >= 1024, "nats.dlqQueueBytes", "must be at least 1024");
  }

  private static boolean isServer(String server) {
    return server != null && !server.isBlank() && server.chars().noneMatch(Character::isWhitespace);
  }

  private static boolean isPrefix(String s) {
    if (s.isEmpty() || s.startsWith(".") || s.endsWith(".") || s.contains("..")) {
      return false;
    }
    return s.chars().allMatch(c -> Character.isLetterOrDigit(c) && c < 128 || c == '_' || c == '-' || c == '.');
  }
}
