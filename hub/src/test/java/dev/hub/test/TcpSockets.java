package dev.hub.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's own table of TCP sockets ({@code /proc/net/tcp} and {@code tcp6}), read as {@code ss -tn} shows
 * it: whether the server's end of a connection is still open, and what waits in its send queue, seen from outside
 * the hub whatever it believes of its sessions.
 */
public final class TcpSockets {
  private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));
  private static final int ESTABLISHED = 0x01;
  /** The peer has closed its end and this one has not: still open, as far as the owner is concerned. */
  private static final int CLOSE_WAIT = 0x08;

  /** One socket of the table. */
  public record Entry(int localPort, int remotePort, int state, long sendQueueBytes) {
    /** Whether its owner has not closed it yet. */
    public boolean open() {
      return state == ESTABLISHED || state == CLOSE_WAIT;
    }
  }

  private TcpSockets() {
  }

  /** Every TCP socket of this machine's network namespace. */
  public static List<Entry> all() {
    List<Entry> entries = new ArrayList<>();
    for (Path table : TABLES) {
      if (!Files.exists(table)) {
        continue;
      }
      try {
        List<String> lines = Files.readAllLines(table);
        // The first line names the columns.
        for (String line : lines.subList(1, lines.size())) {
          String[] fields = line.trim().split("\\s+");
          String[] queues = fields[4].split(":");
          entries.add(new Entry(port(fields[1]), port(fields[2]), Integer.parseInt(fields[3], 16),
              Long.parseLong(queues[0], 16)));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return entries;
  }

  /**
   * The server's ends, still open, of the connections from these client ports to {@code serverPort}: a socket
   * the server has closed is gone, or in {@code FIN_WAIT} or {@code TIME_WAIT}, and is not counted.
   */
  public static List<Entry> openServerEnds(int serverPort, List<Integer> clientPorts) {
    return all().stream()
        .filter(e -> e.localPort() == serverPort && clientPorts.contains(e.remotePort()) && e.open())
        .toList();
  }

  private static int port(String address) {
    return Integer.parseInt(address.substring(address.indexOf(':') + 1), 16);
  }
}
