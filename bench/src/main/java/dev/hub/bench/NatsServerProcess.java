package dev.hub.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/** A nats-server process on a free loopback port for one benchmark run, found as the tests find it. */
final class NatsServerProcess implements AutoCloseable {
  private final Process process;
  private final int port;

  private NatsServerProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static NatsServerProcess start(String binary) {
    int port = Processes.freePort();
    try {
      Process process = new ProcessBuilder(binary != null ? binary : find(), "-a", "127.0.0.1", "-p",
          Integer.toString(port)).redirectErrorStream(true)
          .redirectOutput(File.createTempFile("bench-nats-", ".log")).start();
      NatsServerProcess server = new NatsServerProcess(process, port);
      server.awaitListening();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
