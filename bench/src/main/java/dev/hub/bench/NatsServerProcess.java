package dev.hub.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A nats-server process on a free loopback port for one benchmark run, found as the tests find it. */
final class NatsServerProcess implements AutoCloseable {
  private final String binary;
  private final int port;
  private final Path store;
  private Process process;

  private NatsServerProcess(String binary, int port, Path store) {
    this.binary = binary;
    this.port = port;
    this.store = store;
  }

  static NatsServerProcess start(String binary) {
    return launched(new NatsServerProcess(binary != null ? binary : find(), Processes.freePort(), null));
  }

  /** With JetStream, its store in a fresh temporary folder that {@link #restart} keeps. */
  static NatsServerProcess startJetStream(String binary) {
    try {
      return launched(new NatsServerProcess(binary != null ? binary : find(), Processes.freePort(),
          Files.createTempDirectory("bench-nats-js-")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static NatsServerProcess launched(NatsServerProcess server) {
    server.launch();
    return server;
  }

  private void launch() {
    List<String> command = new ArrayList<>(List.of(binary, "-a", "127.0.0.1", "-p", Integer.toString(port)));
    if (store != null) {
      command.addAll(List.of("-js", "-sd", store.toString()));
    }
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(File.createTempFile("bench-nats-", ".log")).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    awaitListening();
  }

  /** SIGKILL, as in a crash. */
  void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Again on the same port and store. */
  void restart() {
    launch();
  }

  String url() {
    return "nats://127.0.0.1:" + port;
  }

  /** CPU time the server has used so far, in ms. */
  long cpuMillis() {
    return process.info().totalCpuDuration().map(java.time.Duration::toMillis).orElse(-1L);
  }

  private void awaitListening() {
    long deadline = System.currentTimeMillis() + 15_000;
    while (System.currentTimeMillis() < deadline) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException e) {
        try {
          Thread.sleep(50);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(ie);
        }
      }
    }
    throw new IllegalStateException("nats-server not listening on " + port);
  }

  /** The binary {@code tools/ensure-nats-server.sh} finds (or installs), so that there is one way to find it. */
  static String find() {
    try {
      Process script = new ProcessBuilder("bash", "tools/ensure-nats-server.sh", "--print-path")
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      String path = new String(script.getInputStream().readAllBytes()).trim();
      if (script.waitFor() != 0 || path.isEmpty()) {
        throw new IllegalStateException("no nats-server (see tools/ensure-nats-server.sh); or pass --nats-server");
      }
      return path;
    } catch (IOException e) {
      throw new UncheckedIOException("run the benchmark from the repository's top folder", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    Processes.stop(process, 5);
  }
}
