package dev.hub.test;

import static org.junit.jupiter.api.Assertions.fail;

import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code nats-server} process on a free loopback port (never 4222), found as
 * {@code tools/ensure-nats-server.sh} finds it: {@code $NATS_SERVER}, {@code PATH}, {@code /usr/sbin},
 * {@code /usr/bin}. It can be killed with SIGKILL and started again on the same port (and JetStream store).
 */
public final class NatsServer implements AutoCloseable {
  private static final long START_MS = 15_000;

  private final int port;
  private final Path storeDir;
  private final Path log;
  private final List<String> extraArgs;
  private final List<Connection> clients = new ArrayList<>();
  private Process process;

  private NatsServer(int port, Path storeDir, List<String> extraArgs) {
    this.port = port;
    this.storeDir = storeDir;
    this.extraArgs = extraArgs;
    try {
      this.log = Files.createTempFile("nats-server-", ".log");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    log.toFile().deleteOnExit();
  }

  /** Core NATS only. */
  public static NatsServer start() {
    return start(freePort(), false);
  }

  /** With JetStream, its store in a fresh temporary directory that a restart keeps. */
  public static NatsServer startJetStream() {
    return start(freePort(), true);
  }

  /** On a given port, e.g. one a hub was already told to use. */
  public static NatsServer start(int port, boolean jetstream) {
    Path store = null;
    if (jetstream) {
      try {
        store = Files.createTempDirectory("nats-js-");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    NatsServer server = new NatsServer(port, store, List.of());
    server.launch();
    return server;
  }

  /**
   * With a configuration file of the given text, e.g. {@code max_payload: 8192}; with JetStream too when asked.
   */
  public static NatsServer startWithConfig(boolean jetstream, String config) {
    try {
      Path file = Files.createTempFile("nats-server-", ".conf");
      file.toFile().deleteOnExit();
      Files.writeString(file, config);
      Path store = jetstream ? Files.createTempDirectory("nats-js-") : null;
      NatsServer server = new NatsServer(freePort(), store, List.of("-c", file.toString()));
      server.launch();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Core NATS with more command-line options, e.g. {@code --tls --tlscert FILE --tlskey FILE}. */
  public static NatsServer startWith(String... args) {
    NatsServer server = new NatsServer(freePort(), null, List.of(args));
    server.launch();
    return server;
  }

  public int port() {
    return port;
  }

  public String url() {
    return "nats://127.0.0.1:" + port;
  }

  /**
   * Hub settings for a bridge to this server, with short reconnect waits so tests need not wait long, followed by
   * {@code more} (dotted keys and values, as {@link TestHub#start} takes them).
   */
  public String[] hubFlags(String... more) {
    return hubFlagsFor(url(), more);
  }

  /** The same for any URL, e.g. of a server not started yet; the dead-letter file goes to a temporary directory. */
  public static String[] hubFlagsFor(String url, String... more) {
    List<String> flags = new ArrayList<>(List.of("nats.url", url, "nats.reconnectWaitMs", "50",
        "nats.retryWaitMs", "20", "nats.maxWaitMs", "500", "nats.jitterMs", "20", "nats.dlqDir", tempDir("hub-dlq-")));
    flags.addAll(List.of(more));
    return flags.toArray(String[]::new);
  }

  private static String tempDir(String prefix) {
    try {
      Path dir = Files.createTempDirectory(prefix);
      dir.toFile().deleteOnExit();
      return dir.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A client of this server, as a service would have: reconnects forever; closed with the server. */
  public Connection connect() {
    try {
      Connection connection = Nats.connect(new Options.Builder().server(url()).maxReconnects(-1)
          .reconnectWait(Duration.ofMillis(100)).connectionTimeout(Duration.ofSeconds(5))
          // Its reconnects across a test's deliberate outage are expected, not worth a log line each.
          .errorListener(new ErrorListener() {
          }).build());
      clients.add(connection);
      return connection;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** SIGKILL: the server vanishes mid-stream, as in a crash. */
  public void kill() {
    process.destroyForcibly();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        fail("nats-server did not die from SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SIGSTOP: the server holds its connections open but answers nothing, as a hung host does. */
  public void pause() {
    signal("-STOP");
  }

  /** SIGCONT after {@link #pause}. */
  public void resume() {
    signal("-CONT");
  }

  /**
   * Lame-duck mode ({@code nats-server --signal ldm=PID}): the server stops taking connections, tells its clients,
   * and closes theirs after its {@code lame_duck_grace_period}.
   */
  public void lameDuck() {
    run(binary().toString(), "--signal", "ldm=" + process.pid());
  }

  private void signal(String signal) {
    run("kill", signal, Long.toString(process.pid()));
  }

  private static void run(String... command) {
    try {
      Process done = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(done.getInputStream().readAllBytes());
      if (!done.waitFor(10, TimeUnit.SECONDS) || done.exitValue() != 0) {
        fail(String.join(" ", command) + " failed: " + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Starts the server again on the same port and store. */
  public void restart() {
    launch();
  }

  private void launch() {
    List<String> command = new ArrayList<>(List.of(binary().toString(), "-a", "127.0.0.1", "-p",
        Integer.toString(port)));
    if (storeDir != null) {
      command.addAll(List.of("-js", "-sd", storeDir.toString()));
    }
    command.addAll(extraArgs);
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
      process.getOutputStream().close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    awaitListening();
  }

  /** Until the port greets with INFO: then clients (and JetStream) can be used. */
  private void awaitListening() {
    long deadline = System.currentTimeMillis() + START_MS;
    while (System.currentTimeMillis() < deadline) {
      if (!process.isAlive()) {
        fail("nats-server exited with " + process.exitValue() + ": " + output());
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
        socket.setSoTimeout(1000);
        InputStream in = socket.getInputStream();
        byte[] greeting = new byte[4];
        if (in.readNBytes(greeting, 0, 4) == 4 && "INFO".equals(new String(greeting))) {
          return;
        }
      } catch (IOException e) {
        // Not listening yet.
      }
      HubProcess.pause(50);
    }
    fail("nats-server not listening on " + port + " within " + START_MS + " ms: " + output());
  }

  /** What the server printed, for failure messages. */
  public String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** {@code $NATS_SERVER}, then {@code PATH}, then {@code /usr/sbin} and {@code /usr/bin}. */
  public static Path binary() {
    String env = System.getenv("NATS_SERVER");
    if (env != null && Files.isExecutable(Path.of(env))) {
      return Path.of(env);
    }
    List<Path> candidates = new ArrayList<>();
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        candidates.add(Path.of(dir, "nats-server"));
      }
    }
    candidates.add(Path.of("/usr/sbin/nats-server"));
    candidates.add(Path.of("/usr/bin/nats-server"));
    return candidates.stream().filter(Files::isExecutable).findFirst().orElseThrow(() -> new IllegalStateException(
        "no nats-server binary ($NATS_SERVER, PATH, /usr/sbin, /usr/bin); run tools/ensure-nats-server.sh"));
  }

  /** A free loopback port other than NATS' usual 4222, which a developer's own server may hold. */
  public static int freePort() {
    int port = HubProcess.freePort();
    return port != 4222 ? port : freePort();
  }

  @Override
  public void close() {
    for (Connection client : clients) {
      try {
        client.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (process != null && process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (storeDir != null) {
      try (Stream<Path> files = Files.walk(storeDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // A temporary directory left behind is harmless.
      }
    }
  }
}
