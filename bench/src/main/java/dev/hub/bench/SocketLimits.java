package dev.hub.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How many sockets this machine lets a run open, read from {@code /proc}, so that a scenario asks for no more
 * than fits and says so when it had to ask for less.
 */
final class SocketLimits {
  /** Files a JVM keeps open besides its sockets (jars, epoll, pipes, its log), with room to spare. */
  static final int RESERVED_FILES = 1000;

  private SocketLimits() {
  }

  /**
   * The hard {@code RLIMIT_NOFILE} of this process. The JVM raises its soft limit to the hard one at start, and
   * the server processes a scenario starts inherit both, so this bounds the server and the generator alike.
   */
  static long openFilesLimit() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
        if (line.startsWith("Max open files")) {
          String hard = line.substring("Max open files".length()).trim().split("\\s+")[1];
          return hard.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(hard);
        }
      }
      throw new IllegalStateException("no \"Max open files\" line in /proc/self/limits");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sockets one process can hold: the open-files limit less {@link #RESERVED_FILES}. */
  static int socketsPerProcess() {
    return (int) Math.min(Integer.MAX_VALUE, openFilesLimit() - RESERVED_FILES);
  }

  /**
   * Connections one loopback source address can open: its ephemeral port range. The generator binds each
   * socket to a source address before connecting, and such a bind takes a port of its own.
   */
  static int ephemeralPorts() {
    try {
      // Read by lines: Files.readString stops after the first byte of this sysctl file.
      String[] range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim()
          .split("\\s+");
      return Integer.parseInt(range[1]) - Integer.parseInt(range[0]) + 1;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code requested}, or as many connections as one process can hold if fewer, printing why it cut. */
  static int capConnections(int requested) {
    int fits = socketsPerProcess();
    if (requested <= fits) {
      return requested;
    }
    System.out.printf("connections: %d requested, capped to %d: the hard open-files limit (RLIMIT_NOFILE in "
        + "/proc/self/limits) is %d, %d of them kept for the JVM, and the server needs one socket per "
        + "connection in a single process%n", requested, fits, openFilesLimit(), RESERVED_FILES);
    return fits;
  }
}
