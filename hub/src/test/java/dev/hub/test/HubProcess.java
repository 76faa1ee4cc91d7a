package dev.hub.test;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hub.app.ConfigLoader;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The built fat jar ({@code -Dhub.jar}, set by failsafe) run as a real process, as an operator runs it. Its
 * stdout and stderr go to files; {@code HUB_*} variables of the test's own environment are not passed on.
 */
public final class HubProcess implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  private final Path stdout;
  private final Path stderr;
  private final int port;

  private HubProcess(Process process, Path stdout, Path stderr, int port) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
    this.port = port;
  }

  /** Starts {@code java -jar hub.jar --port PORT ARGS...} with extra environment variables. */
  public static HubProcess start(int port, Map<String, String> env, String... args) {
    return start(port, env, List.of(), args);
  }

  /** As {@link #start(int, Map, String...)}, with options for the JVM, e.g. {@code -Djdk.net.hosts.file=F}. */
  public static HubProcess start(int port, Map<String, String> env, List<String> jvmOptions, String... args) {
    List<String> all = new ArrayList<>(List.of("--port", Integer.toString(port)));
    all.addAll(List.of(args));
    return launch(port, env, jvmOptions, all);
  }

  /** Starts {@code java -jar hub.jar ARGS...} exactly as given, e.g. to test argument handling. */
  public static HubProcess startWithArgs(String... args) {
    return launch(-1, Map.of(), List.of(), List.of(args));
  }

  private static HubProcess launch(int port, Map<String, String> env, List<String> jvmOptions, List<String> args) {
    String jar = System.getProperty("hub.jar");
    if (jar == null || !new File(jar).isFile()) {
      throw new IllegalStateException("system property hub.jar must name the built jar (mvn verify sets it): " + jar);
    }
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", jar));
    command.addAll(args);
    try {
      Path stdout = Files.createTempFile("hub-process-", ".out");
      Path stderr = Files.createTempFile("hub-process-", ".err");
      stdout.toFile().deleteOnExit();
      stderr.toFile().deleteOnExit();
      ProcessBuilder builder = new ProcessBuilder(command)
          .redirectOutput(stdout.toFile())
          .redirectError(stderr.toFile());
      builder.environment().keySet().removeIf(name -> name.startsWith(ConfigLoader.ENV_PREFIX));
      builder.environment().putAll(env);
      Process process = builder.start();
      process.getOutputStream().close();
      return new HubProcess(process, stdout, stderr, port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return port;
  }

  /** Polls {@code /health} until it answers 200; fails with the process's output if it dies or is too slow. */
  public HubProcess awaitHealthy(long boundMs) {
    long deadline = System.currentTimeMillis() + boundMs;
    while (System.currentTimeMillis() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("hub process exited with " + process.exitValue() + " before serving; " + output());
      }
      try {
        if (get("/health").statusCode() == 200) {
          return this;
        }
      } catch (RuntimeException e) {
        // Not listening yet.
      }
      pause(100);
    }
    throw new AssertionError("hub process not healthy within " + boundMs + " ms; " + output());
  }

  public HttpResponse<String> get(String path) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public WsClient connect(String query) {
    return WsClient.connect(port, query);
  }

  /** SIGKILL: the node vanishes without a word, as in a crash. */
  public void kill() {
    process.destroyForcibly();
  }

  /** SIGTERM: a graceful stop. */
  public void terminate() {
    process.destroy();
  }

  /** Waits for the process to end and returns its exit status. */
  public int awaitExit(long boundMs) {
    try {
      if (!process.waitFor(boundMs, TimeUnit.MILLISECONDS)) {
        throw new AssertionError("hub process still running after " + boundMs + " ms; " + output());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return process.exitValue();
  }

  public void assertExit(int status, long boundMs) {
    assertEquals(status, awaitExit(boundMs), this::output);
  }

  /** What the process printed on stdout. */
  public String stdout() {
    return read(stdout);
  }

  /** The non-blank lines the process printed on stderr. */
  public List<String> stderrLines() {
    return read(stderr).lines().filter(line -> !line.isBlank()).toList();
  }

  /** Everything the process printed so far, for failure messages. */
  public String output() {
    return "stdout:\n" + read(stdout) + "\nstderr:\n" + read(stderr);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress("127.0.0.1", 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
