package dev.hub.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time and resident memory of a process, from {@code /proc}: of a server under test, or of this generator. */
final class ProcessStats {
  private static final long CLOCK_TICKS_PER_SECOND = 100;

  private ProcessStats() {
  }

  /** User plus system CPU time so far, in milliseconds. */
  static long cpuMillis(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 1000 / CLOCK_TICKS_PER_SECOND;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** This JVM's CPU time so far, in milliseconds: what the load generator itself spent. */
  static long ownCpuMillis() {
    return cpuMillis(ProcessHandle.current().pid());
  }

  /**
   * The machine's load average over 1, 5 and 15 minutes, e.g. {@code 1.52 2.03 1.88}: how much else wanted the
   * cores while a figure was taken.
   */
  static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Resident memory, in MiB. */
  static double rssMib(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
        }
      }
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
