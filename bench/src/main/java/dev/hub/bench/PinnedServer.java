package dev.hub.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A server under test as a process pinned to one CPU with {@code taskset}, so that the load generator on the
 * other CPU does not compete with it; reports its CPU time and resident memory from {@code /proc}.
 */
final class PinnedServer implements ServerUnderTest {
  private final String name;
  private final Process process;
  private final int port;
  private final boolean jvm;

  private PinnedServer(String name, Process process, int port, boolean jvm) {
    this.name = name;
    this.process = process;
    this.port = port;
    this.jvm = jvm;
  }

  /** Starts {@code command} (with {@code PORT} replaced by a free port) on {@code cpu}; waits until it listens. */
  static PinnedServer start(String name, int cpu, List<String> command, Map<String, String> env) {
    return start(name, cpu, command, env, Processes.freePort());
  }

  /**
   * Starts {@code command} on {@code cpu}, with {@code PORT} replaced by {@code port} where it names it (a server
   * configured by file names it there); waits until something listens on {@code port}.
   */
  static PinnedServer start(String name, int cpu, List<String> command, Map<String, String> env, int port) {
    List<String> pinned = new ArrayList<>(List.of("taskset", "-c", Integer.toString(cpu)));
    command.forEach(part -> pinned.add(part.replace("PORT", Integer.toString(port))));
    try {
      ProcessBuilder builder = new ProcessBuilder(pinned).redirectErrorStream(true)
          .redirectOutput(File.createTempFile("bench-" + name + "-", ".log"));
      builder.environment().keySet().removeIf(variable -> variable.startsWith("HUB_"));
      builder.environment().putAll(env);
      PinnedServer server = new PinnedServer(name, builder.start(), port,
          java.nio.file.Path.of(command.get(0)).getFileName().toString().equals("java"));
      server.awaitListening(60_000);
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String name() {
    return name;
  }

  int port() {
    return port;
  }

  @Override
  public int nodes() {
    return 1;
  }

  @Override
  public int port(int node) {
    return port;
  }

  /** User plus system CPU time so far, in milliseconds (of the server behind taskset, which execs it). */
  @Override
  public long cpuMillis() {
    return ProcessStats.cpuMillis(process.pid());
  }

  /** Resident memory, in MiB. */
  @Override
  public double rssMib() {
    return ProcessStats.rssMib(process.pid());
  }

  /** A server that is no JVM has no heap to collect: only the generator's is. */
  @Override
  public void settleHeaps() {
    if (jvm) {
      HeapProbe.settleBoth(process.pid());
    } else {
      System.gc();
    }
  }

  /** The server's JVM (taskset execs the command, so the process is the JVM itself), e.g. for jcmd. */
  long javaPid() {
    if (!jvm) {
      throw new IllegalStateException(name + " is not a JVM");
    }
    return process.pid();
  }

  private void awaitListening(long boundMs) {
    long deadline = System.currentTimeMillis() + boundMs;
    while (System.currentTimeMillis() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue());
      }
      try (Socket probe = new Socket()) {
        probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        pause(100);
      }
    }
    throw new IllegalStateException(name + " did not listen on " + port + " within " + boundMs + " ms");
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
    Processes.stop(process, 15);
  }
}
