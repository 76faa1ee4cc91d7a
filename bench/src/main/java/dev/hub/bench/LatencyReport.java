package dev.hub.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** A table of latency percentiles per measured path, printed and written as JSON. */
final class LatencyReport {

  /**
   * One measured path.
   *
   * @param deliveredPerSecond events received per second over the measured window, all subscribers
   */
  record Row(String path, long events, double deliveredPerSecond, double p50Ms, double p90Ms, double p99Ms,
      double p999Ms, double maxMs) {

    static Row of(String path, Histogram h, double seconds) {
      return new Row(path, h.getTotalCount(), h.getTotalCount() / seconds, ms(h.getValueAtPercentile(50)),
          ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)),
          ms(h.getMaxValue()));
    }

    private static double ms(long nanos) {
      return Math.round(nanos / 10_000.0) / 100.0;
    }
  }

  private final String scenario;
  private final Map<String, Object> settings;
  private final List<Row> rows = new ArrayList<>();

  LatencyReport(String scenario, Map<String, Object> settings) {
    this.scenario = scenario;
    this.settings = new LinkedHashMap<>(settings);
  }

  void add(Row row) {
    rows.add(row);
  }

  void print() {
    System.out.println();
    System.out.println("scenario " + scenario + " " + settings);
    System.out.printf("%-18s %9s %12s %8s %8s %8s %8s %8s%n", "path", "events", "delivered/s", "p50 ms",
        "p90 ms", "p99 ms", "p99.9 ms", "max ms");
    for (Row row : rows) {
      System.out.printf("%-18s %9d %12.0f %8.2f %8.2f %8.2f %8.2f %8.2f%n", row.path(), row.events(),
          row.deliveredPerSecond(), row.p50Ms(), row.p90Ms(), row.p99Ms(), row.p999Ms(), row.maxMs());
    }
  }

  void write(Path file) {
    writeRows(file, rows);
  }

  /** Writes the settings, the machine and the given rows (any records) as JSON. */
  void writeRows(Path file, List<?> rowsToWrite) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("scenario", scenario);
    json.put("settings", settings);
    json.put("machine", Map.of("cores", machineCores(),
        "os", System.getProperty("os.name") + " " + System.getProperty("os.arch"),
        "java", System.getProperty("java.version")));
    json.put("rows", rowsToWrite);
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    System.out.println("written to " + file);
  }

  /**
   * The machine's CPUs from {@code /proc/cpuinfo}: a scenario that pins itself to one CPU makes
   * {@code availableProcessors()} answer 1.
   */
  private static long machineCores() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(line -> line.startsWith("processor"))
          .count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
