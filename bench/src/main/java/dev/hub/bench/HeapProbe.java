package dev.hub.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live Java heap of another JVM: full collections, then the used heap, both through the JDK's {@code jcmd},
 * so the server under test runs no agent and no extra endpoint.
 */
final class HeapProbe {
  /**
   * A heap space line of {@code GC.heap_info}, e.g. G1's {@code garbage-first heap total 262144K, used 23717K}
   * or the young and old generation lines of the Serial and Parallel collectors; Metaspace lines have no
   * {@code total}.
   */
  private static final Pattern USED = Pattern.compile("total \\d+K, used (\\d+)K");

  private HeapProbe() {
  }

  /**
   * Fully collects the heaps of the server {@code pid} and of this generator, so that what a benchmark's setup
   * left (thousands of connections on each side) is tenured or gone, and the measured window's young
   * collections copy only what the load itself keeps alive.
   */
  static void settleBoth(long pid) {
    jcmd(pid, "GC.run");
    System.gc();
  }

  /**
   * Bytes of heap in use after two full collections: the second frees what only became unreachable through
   * the first (objects behind cleaners and weak references).
   */
  static long usedAfterFullGc(long pid) {
    jcmd(pid, "GC.run");
    jcmd(pid, "GC.run");
    String info = jcmd(pid, "GC.heap_info");
    Matcher used = USED.matcher(info);
    long kib = 0;
    boolean found = false;
    while (used.find()) {
      kib += Long.parseLong(used.group(1));
      found = true;
    }
    if (!found) {
      throw new IllegalStateException("no used heap in jcmd GC.heap_info of " + pid + ":\n" + info);
    }
    return kib * 1024;
  }

  /**
   * {@code jcmd PID GC.class_histogram}: the live instances and bytes of every class after a full collection, one
   * line each, largest first, and a {@code Total} line.
   */
  static String classHistogram(long pid) {
    return jcmd(pid, "GC.class_histogram");
  }

  /** Runs jcmd with its output in a file, so that a jcmd that hangs is given up on after a minute. */
  private static String jcmd(long pid, String command) {
    try {
      File output = File.createTempFile("bench-jcmd-", ".txt");
      try {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
            Long.toString(pid), command).redirectErrorStream(true).redirectOutput(output).start();
        boolean exited = jcmd.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
          jcmd.destroyForcibly();
        }
        String text = Files.readString(output.toPath());
        if (!exited || jcmd.exitValue() != 0) {
          throw new IllegalStateException("jcmd " + pid + " " + command + " failed:\n" + text);
        }
        return text;
      } finally {
        Files.delete(output.toPath());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
