package dev.hub.test;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The built fat jar ({@code -Dhub.jar}) run as a real process, as an operator runs it. */
public final class HubProcess implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  private final File output;
  private final int port;

  private HubProcess(Process process, File output, int port) {
    this.process = process;
    this.output = output;
    this.port = port;
  }

  /** Starts {@code java -jar hub.jar --port PORT ARGS...} with extra environment variables. */
  public static HubProcess start(int port, Map<String, String> env, String... args) {
    String jar = System.getProperty("hub.jar");
    if (jar == null || !new File(jar).isFile()) {
      throw new IllegalStateException("system property hub.jar must name the built jar; run through mvn verify");
    }
    List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx512m", "-jar", jar, "--port",
        Integer.toString(port)));
    command.addAll(List.of(args));
    try {
      File output = File.createTempFile("hub-process-", ".log");
      output.deleteOnExit();
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(output);
      builder.environment().putAll(env);
      return new HubProcess(builder.start(), output, port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String javaBinary() {
    return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
  }

  public int port() {
    return port;
  }

  public Process process() {
    return process;
  }

  /** Polls {@code /health} until it answers 200; fails with the process's output otherwise. */
  public HubProcess awaitHealthy(long boundMs) {
    long deadline = System.currentTimeMillis() + boundMs;
    while (System.currentTimeMillis() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("hub process exited with " + process.exitValue() + ":\n" + output());
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
    throw new AssertionError("hub process not healthy within " + boundMs + " ms:\n" + output());
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
        throw new AssertionError("hub process still running after " + boundMs + " ms:\n" + output());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return process.exitValue();
  }

  /** Everything the process printed so far. */
  public String output() {
    try {
      return Files.readString(output.toPath());
    } catch (IOException e) {
      return "(output unreadable: " + e + ")";
    }
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void pause(long ms) {
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
