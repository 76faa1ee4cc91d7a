package dev.hub.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Scenario: a soak. Two hub nodes as processes clustered on loopback, history on for every room of the churn
 * with a short {@code history.ttlMs}; a steady {@link Churn} of sessions walking through fresh rooms and
 * abandoning them, on both nodes, for {@code --minutes}. Every {@code --sample-seconds}, on each node: the heap
 * used after full collections, the resident memory, and the node's own gauges of history rooms, rooms and
 * connections. The verdict compares the heap (and RSS) after GC at the end with the start after warm-up and fits
 * its slope; exit 1 if either grew by more than the tolerance, so the run can serve as a check. Class histograms
 * at the end of warm-up and at the end, diffed, name what grew.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
    description = "An hour of session and room churn on two history nodes; the heap and RSS after GC stay flat.")
final class Soak implements Callable<Integer> {
  private static final String ROOM_PREFIX = "soak";
  private static final int NODES = 2;
  private static final int TOP_CLASSES = 15;
  private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)");
  private static final Pattern HISTOGRAM_LINE = Pattern.compile("(?m)^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

  @Option(names = "--hub-jar", description = "the hub's fat jar (default: ${DEFAULT-VALUE})")
  private String hubJar = "hub/target/hub.jar";

  @Option(names = "--minutes", description = "how long the churn runs (default: ${DEFAULT-VALUE})")
  private int minutes = 60;

  @Option(names = "--sample-seconds", description = "time between samples of both nodes (default: ${DEFAULT-VALUE})")
  private int sampleSeconds = 60;

  @Option(names = "--history-ttl-ms", description = "history.ttlMs of the nodes (default: ${DEFAULT-VALUE})")
  private long historyTtlMs = 10_000;

  @Option(names = "--rooms-per-minute",
      description = "fresh rooms begun per minute, both nodes together (default: ${DEFAULT-VALUE})")
  private int roomsPerMinute = 6000;

  @Option(names = "--sessions", description = "walkers live at once, half on each node (default: ${DEFAULT-VALUE})")
  private int sessions = 300;

  @Option(names = "--rooms-per-session",
      description = "rooms a session walks through before it closes (default: ${DEFAULT-VALUE})")
  private int roomsPerSession = 10;

  @Option(names = "--events-per-room", description = "events published in each room (default: ${DEFAULT-VALUE})")
  private int eventsPerRoom = 3;

  @Option(names = "--payload", description = "bytes of padding per event (default: ${DEFAULT-VALUE})")
  private int payload = 2048;

  @Option(names = "--sse-every",
      description = "every N-th session also holds an SSE stream of its rooms on the other node; 0: none "
          + "(default: ${DEFAULT-VALUE})")
  private int sseEvery = 4;

  @Option(names = "--warmup-minutes", description = "minutes before the start window (default: ${DEFAULT-VALUE})")
  private double warmupMinutes = 5;

  @Option(names = "--window-minutes",
      description = "length of the start and end windows compared (default: ${DEFAULT-VALUE})")
  private double windowMinutes = 10;

  @Option(names = "--flat-mib", description = "heap growth always tolerated, MiB (default: ${DEFAULT-VALUE})")
  private double flatMib = 5;

  @Option(names = "--flat-percent",
      description = "heap growth tolerated, per cent of the start window's mean, if more (default: ${DEFAULT-VALUE})")
  private double flatPercent = 5;

  @Option(names = "--rss-flat-mib", description = "RSS growth always tolerated, MiB (default: ${DEFAULT-VALUE})")
  private double rssFlatMib = 32;

  @Option(names = "--rss-flat-percent",
      description = "RSS growth tolerated, per cent of the start window's mean, if more (default: ${DEFAULT-VALUE})")
  private double rssFlatPercent = 10;

  @Option(names = "--sources", description = "loopback source addresses (default: ${DEFAULT-VALUE})")
  private int sources = 4;

  @Option(names = "--out", description = "JSON result file (default: ${DEFAULT-VALUE})")
  private Path out = Path.of("bench-results/soak.json");

  /**
   * One node at one moment.
   *
   * @param heapMib live heap after a full collection (the class histogram's total)
   * @param liveSessions the churn's WebSocket sessions open on this node, as the generator counts them
   * @param roomsWalked rooms the whole churn walked through so far
   * @param load the machine's load average over 1, 5 and 15 minutes
   */
  record Sample(double minute, int node, double heapMib, double rssMib, long historyRooms, long rooms,
      long connections, int liveSessions, long roomsWalked, long failures, String load) {
  }

  /**
   * The verdict on one node and one measure (heap or RSS).
   *
   * @param slopeMibPerHour least-squares slope over every sample after warm-up
   * @param fittedGrowthMib the slope times the time between the first and last of those samples
   */
  record Trend(int node, String measure, double startMean, double endMean, double growthMib, double growthPercent,
      double slopeMibPerHour, double fittedGrowthMib, double toleranceMib, boolean flat) {
  }

  /** A class that holds more at the end than at the end of warm-up, on one node. */
  record Growth(int node, String className, long instances, long bytes) {
  }

  @Override
  public Integer call() throws Exception {
    Map<String, String> env = new LinkedHashMap<>(BroadcastServers.HUB_ENV);
    env.put("HUB_HISTORY_ROOMS", ROOM_PREFIX + ".*");
    env.put("HUB_HISTORY_TTL_MS", Long.toString(historyTtlMs));
    List<Sample> samples = new ArrayList<>();
    List<Growth> growth = new ArrayList<>();
    String loadBefore = ProcessStats.loadAverage();
    System.out.printf("soak: starting %d clustered hub nodes (load average %s)%n", NODES, loadBefore);
    long roomsWalked;
    long roomsBegun;
    long events;
    long sessionsFinished;
    long sseStreams;
    Map<String, Long> failures;
    double seconds;
    try (HubNodes nodes = HubNodes.startCluster(hubJar, NODES, List.of(), env)) {
      printHeader();
      sample(nodes, null, 0, samples);
      Map<Integer, String> startHistograms = null;
      Map<Integer, String> lastHistograms = null;
      try (Churn churn = new Churn(List.of(nodes.port(0), nodes.port(1)), ROOM_PREFIX, sessions, roomsPerMinute,
          roomsPerSession, eventsPerRoom, payload, sseEvery, sources)) {
        churn.start();
        long start = System.nanoTime();
        double warmup = windows()[0];
        for (int k = 1; (long) k * sampleSeconds <= minutes * 60L; k++) {
          long due = start + k * sampleSeconds * 1_000_000_000L;
          while (System.nanoTime() < due) {
            Thread.sleep(Math.max(1, Math.min(1000, (due - System.nanoTime()) / 1_000_000)));
          }
          double minute = (System.nanoTime() - start) / 60e9;
          lastHistograms = sample(nodes, churn, minute, samples);
          if (startHistograms == null && minute >= warmup) {
            startHistograms = lastHistograms;
            keep(startHistograms, "start");
          }
        }
        if (startHistograms != null) {
          keep(lastHistograms, "end");
          growth = grown(startHistograms, lastHistograms);
        }
        seconds = (System.nanoTime() - start) / 1e9;
        roomsWalked = churn.roomsWalked();
        roomsBegun = churn.roomsBegun();
        events = churn.eventsPublished();
        sessionsFinished = churn.sessionsFinished();
        sseStreams = churn.sseStreams();
        failures = churn.failures();
      }
    }
    return report(samples, growth, roomsBegun, roomsWalked, events, sessionsFinished, sseStreams, failures, seconds,
        loadBefore);
  }

  /** The warm-up and the window length actually used: the configured ones, or a third of a short run each. */
  private double[] windows() {
    if (minutes >= warmupMinutes + 2 * windowMinutes) {
      return new double[] {warmupMinutes, windowMinutes};
    }
    double window = Math.max(sampleSeconds / 60.0, minutes / 3.0);
    return new double[] {Math.max(0, minutes - 2 * window), window};
  }

  private void printHeader() {
    System.out.printf("%7s %4s %9s %8s %8s %7s %6s %6s %9s %8s  %s%n", "minute", "node", "heap MiB", "RSS MiB",
        "hist rms", "rooms", "conns", "live", "walked", "failures", "load");
  }

  /**
   * Samples every node; returns their class histograms. The live heap is the histogram's total: jcmd counts it
   * inside the full collection's pause, so what the node allocates between two jcmd calls (young objects of the
   * churn, tens of MiB on a busy node) never counts as heap after GC.
   */
  private Map<Integer, String> sample(HubNodes nodes, Churn churn, double minute, List<Sample> samples) {
    Map<Integer, String> histograms = new LinkedHashMap<>();
    for (int n = 0; n < nodes.count(); n++) {
      long pid = nodes.pid(n);
      String histogram = HeapProbe.classHistogram(pid);
      histograms.put(n + 1, histogram);
      double heap = totalBytes(histogram) / 1048576.0;
      double rss = ProcessStats.rssMib(pid);
      String metrics = metrics(nodes.port(n));
      Sample s = new Sample(round(minute), n + 1, round(heap), round(rss), gauge(metrics, "hub_history_rooms"),
          gauge(metrics, "hub_rooms"), gauge(metrics, "hub_connections"), churn == null ? 0 : churn.liveSessions(n),
          churn == null ? 0 : churn.roomsWalked(), churn == null ? 0 : churn.failureCount(),
          ProcessStats.loadAverage());
      samples.add(s);
      System.out.printf("%7.2f %4d %9.1f %8.1f %8d %7d %6d %6d %9d %8d  %s%n", s.minute(), s.node(), s.heapMib(),
          s.rssMib(), s.historyRooms(), s.rooms(), s.connections(), s.liveSessions(), s.roomsWalked(),
          s.failures(), s.load());
    }
    return histograms;
  }

  private static long totalBytes(String histogram) {
    Matcher total = HISTOGRAM_TOTAL.matcher(histogram);
    if (!total.find()) {
      throw new IllegalStateException("no Total in the class histogram:\n" + histogram);
    }
    return Long.parseLong(total.group(1));
  }

  /** Writes each node's histogram next to the JSON result, e.g. {@code soak-node1-start.histogram.txt}. */
  private void keep(Map<Integer, String> histograms, String label) throws IOException {
    Path directory = out.toAbsolutePath().getParent();
    Files.createDirectories(directory);
    String base = out.getFileName().toString().replaceFirst("\\.json$", "");
    for (Map.Entry<Integer, String> histogram : histograms.entrySet()) {
      Files.writeString(directory.resolve(base + "-node" + histogram.getKey() + "-" + label + ".histogram.txt"),
          histogram.getValue());
    }
  }

  private static String metrics(int port) {
    try {
      HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      return answer.statusCode() == 200 ? answer.body() : "";
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /** The sum of a gauge's samples in {@code /metrics}, whatever their labels; -1 when it has none. */
  private static long gauge(String metrics, String name) {
    Matcher line = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)$").matcher(metrics);
    double sum = 0;
    boolean found = false;
    while (line.find()) {
      sum += Double.parseDouble(line.group(2));
      found = true;
    }
    return found ? Math.round(sum) : -1;
  }

  /** A class histogram's lines: class name to {instances, bytes}. */
  private static Map<String, long[]> classes(String histogram) {
    Map<String, long[]> classes = new LinkedHashMap<>();
    Matcher line = HISTOGRAM_LINE.matcher(histogram);
    while (line.find()) {
      classes.merge(line.group(3), new long[] {Long.parseLong(line.group(1)), Long.parseLong(line.group(2))},
          (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
    }
    return classes;
  }

  /** The classes that grew most in bytes on each node between the two histograms. */
  private static List<Growth> grown(Map<Integer, String> before, Map<Integer, String> after) {
    List<Growth> grown = new ArrayList<>();
    after.forEach((node, histogram) -> {
      Map<String, long[]> classes = classes(histogram);
      Map<String, long[]> then = classes(before.getOrDefault(node, ""));
      List<Growth> ofNode = new ArrayList<>();
      classes.forEach((name, now) -> {
        long[] was = then.getOrDefault(name, new long[2]);
        ofNode.add(new Growth(node, name, now[0] - was[0], now[1] - was[1]));
      });
      ofNode.sort(Comparator.comparingLong(Growth::bytes).reversed());
      grown.addAll(ofNode.subList(0, Math.min(TOP_CLASSES, ofNode.size())));
    });
    return grown;
  }

  private Trend trend(List<Sample> samples, int node, String measure, double tolMib, double tolPercent) {
    double[] w = windows();
    double warmup = w[0];
    double window = w[1];
    List<Sample> ofNode = samples.stream().filter(s -> s.node() == node && s.minute() > 0).toList();
    double last = ofNode.isEmpty() ? 0 : ofNode.get(ofNode.size() - 1).minute();
    List<double[]> points = ofNode.stream().filter(s -> s.minute() > warmup - 1e-9)
        .map(s -> new double[] {s.minute(), measure.equals("heap") ? s.heapMib() : s.rssMib()}).toList();
    double startMean = mean(points.stream().filter(p -> p[0] <= warmup + window + 1e-9).toList());
    double endMean = mean(points.stream().filter(p -> p[0] > last - window + 1e-9).toList());
    double slopePerMinute = slope(points);
    double span = points.isEmpty() ? 0 : points.get(points.size() - 1)[0] - points.get(0)[0];
    double growthMib = endMean - startMean;
    double tolerance = Math.max(tolMib, tolPercent / 100 * startMean);
    double fitted = slopePerMinute * span;
    return new Trend(node, measure, round(startMean), round(endMean), round(growthMib),
        round(100 * growthMib / Math.max(startMean, 1e-9)), round(slopePerMinute * 60), round(fitted),
        round(tolerance), growthMib <= tolerance && fitted <= tolerance);
  }

  private static double mean(List<double[]> points) {
    return points.stream().mapToDouble(p -> p[1]).average().orElse(Double.NaN);
  }

  /** Least-squares slope of value over minute; 0 for fewer than two points. */
  private static double slope(List<double[]> points) {
    if (points.size() < 2) {
      return 0;
    }
    double mx = points.stream().mapToDouble(p -> p[0]).average().orElse(0);
    double my = points.stream().mapToDouble(p -> p[1]).average().orElse(0);
    double sxy = 0;
    double sxx = 0;
    for (double[] p : points) {
      sxy += (p[0] - mx) * (p[1] - my);
      sxx += (p[0] - mx) * (p[0] - mx);
    }
    return sxx == 0 ? 0 : sxy / sxx;
  }

  private static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }

  private int report(List<Sample> samples, List<Growth> growth, long roomsBegun, long roomsWalked, long events,
      long sessionsFinished, long sseStreams, Map<String, Long> failures, double seconds, String loadBefore)
      throws IOException {
    double[] w = windows();
    List<Trend> trends = new ArrayList<>();
    for (int node = 1; node <= NODES; node++) {
      trends.add(trend(samples, node, "heap", flatMib, flatPercent));
      trends.add(trend(samples, node, "rss", rssFlatMib, rssFlatPercent));
    }
    double expectedRooms = roomsPerMinute * seconds / 60;
    boolean churned = roomsWalked >= 0.5 * expectedRooms;
    boolean flat = churned && trends.stream().allMatch(Trend::flat);
    System.out.println();
    System.out.printf("scenario soak {nodes=%d, minutes=%d, sample every %d s, history.ttlMs=%d, rooms/min=%d, "
        + "sessions=%d, rooms/session=%d, events/room=%d of %d B, SSE every %d-th session}%n", NODES, minutes,
        sampleSeconds, historyTtlMs, roomsPerMinute, sessions, roomsPerSession, eventsPerRoom, payload, sseEvery);
    System.out.printf("churn: %d rooms begun, %d walked (%.0f/s, target %.0f/s), %d events published, %d sessions "
        + "finished, %d SSE streams, failures %s; load average at start %s, at end %s%n", roomsBegun, roomsWalked,
        roomsWalked / seconds, roomsPerMinute / 60.0, events, sessionsFinished, sseStreams, failures, loadBefore,
        ProcessStats.loadAverage());
    System.out.printf("windows: start (%.1f, %.1f] min, end the last %.1f min%n", w[0], w[0] + w[1], w[1]);
    System.out.printf("%4s %6s %11s %10s %11s %9s %14s %12s %10s %6s%n", "node", "what", "start MiB", "end MiB",
        "growth MiB", "growth %", "slope MiB/h", "fitted MiB", "tol MiB", "flat");
    for (Trend t : trends) {
      System.out.printf("%4d %6s %11.1f %10.1f %11.2f %9.2f %14.2f %12.2f %10.1f %6s%n", t.node(), t.measure(),
          t.startMean(), t.endMean(), t.growthMib(), t.growthPercent(), t.slopeMibPerHour(), t.fittedGrowthMib(),
          t.toleranceMib(), t.flat() ? "yes" : "NO");
    }
    if (!growth.isEmpty()) {
      System.out.println("classes grown most from the end of warm-up to the end (bytes, instances):");
      for (Growth g : growth) {
        System.out.printf("  node %d %12d %10d  %s%n", g.node(), g.bytes(), g.instances(), g.className());
      }
    }
    if (!churned) {
      System.out.printf("NOT A SOAK: only %d of the %.0f rooms due were walked through%n", roomsWalked,
          expectedRooms);
    }
    System.out.println(flat ? "verdict: FLAT" : "verdict: NOT FLAT");

    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("nodes", NODES);
    settings.put("minutes", minutes);
    settings.put("sampleSeconds", sampleSeconds);
    settings.put("historyTtlMs", historyTtlMs);
    settings.put("roomsPerMinute", roomsPerMinute);
    settings.put("sessions", sessions);
    settings.put("roomsPerSession", roomsPerSession);
    settings.put("eventsPerRoom", eventsPerRoom);
    settings.put("payload", payload);
    settings.put("sseEvery", sseEvery);
    settings.put("warmupMinutes", w[0]);
    settings.put("windowMinutes", w[1]);
    Map<String, Object> churn = new LinkedHashMap<>();
    churn.put("seconds", round(seconds));
    churn.put("roomsBegun", roomsBegun);
    churn.put("roomsWalked", roomsWalked);
    churn.put("eventsPublished", events);
    churn.put("sessionsFinished", sessionsFinished);
    churn.put("sseStreams", sseStreams);
    churn.put("failures", failures);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("scenario", "soak");
    json.put("settings", settings);
    json.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(),
        "os", System.getProperty("os.name") + " " + System.getProperty("os.arch"),
        "java", System.getProperty("java.version"), "loadAtStart", loadBefore));
    json.put("churn", churn);
    json.put("samples", samples);
    json.put("trends", trends);
    json.put("grownClasses", growth);
    json.put("flat", flat);
    Files.createDirectories(out.toAbsolutePath().getParent());
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), json);
    System.out.println("written to " + out);
    return flat ? 0 : 1;
  }
}
