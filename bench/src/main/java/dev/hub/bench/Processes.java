package dev.hub.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** What every benchmark does with the processes it starts: free ports, and stopping them politely first. */
final class Processes {

  private Processes() {
  }

  /** The {@code java} of the JDK running this benchmark, to start servers with. */
  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** A port nothing listens on right now. */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Pins this JVM, every thread it has and so every thread it starts later, to {@code cpu}. {@code taskset -a}:
   * without it only the launcher's first thread moves, not the Java main thread or the event loops.
   */
  static void pinThisProcess(int cpu) {
    try {
      Process taskset = new ProcessBuilder("taskset", "-a", "-p", "-c", Integer.toString(cpu),
          Long.toString(ProcessHandle.current().pid()))
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!taskset.waitFor(10, TimeUnit.SECONDS) || taskset.exitValue() != 0) {
        throw new IllegalStateException("taskset could not pin this process to CPU " + cpu);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** SIGTERM, then SIGKILL if it has not exited within {@code graceSeconds}. */
  static void stop(Process process, long graceSeconds) {
    process.destroy();
    try {
      if (!process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
