package dev.hub.app;

import dev.hub.boot.Hub;
import dev.hub.config.HubConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/** {@code java -jar hub.jar}: loads the configuration, starts the node, stops it gracefully on SIGTERM. */
@Command(name = "hub", mixinStandardHelpOptions = true, version = "hub 0.1.0, protocol 1",
    subcommands = TokenCommand.class,
    description = "A real-time WebSocket hub: rooms, broadcasts and presence.",
    footer = {"", "Configuration: defaults, then --config FILE, then HUB_* environment variables, then flags.",
        "Every key is documented in config/hub.yaml."})
public final class Main implements Callable<Integer> {
  /** Forming a cluster on a loaded machine can take a minute or more; past this the start has failed. */
  private static final int START_LIMIT_SECONDS = 180;

  @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file")
  private Path config;

  @Option(names = "--port", paramLabel = "N", description = "http.port: port to listen on (0 picks a free one)")
  private String port;

  @Option(names = "--host", paramLabel = "ADDR", description = "http.host: address to bind")
  private String host;

  @Option(names = "--node", paramLabel = "NAME", description = "node.name: this node's name")
  private String node;

  @Option(names = "--cluster", description = "join the cluster members listed in the configuration")
  private boolean cluster;

  public static void main(String[] args) {
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
    int code = new CommandLine(new Main()).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  @Override
  public Integer call() throws Exception {
    HubConfig hubConfig;
    ConfigLoader loader = new ConfigLoader();
    try {
      hubConfig = loader.load(config, System.getenv(), flags());
    } catch (ConfigException e) {
      System.err.println("hub: " + e.getMessage());
      return 2;
    }
    Logger log = LoggerFactory.getLogger(Main.class);
    loader.warnings().forEach(log::warn);
    Hub hub;
    try {
      hub = Hub.start(hubConfig).await(START_LIMIT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      System.err.println("hub: did not start within " + START_LIMIT_SECONDS + " s (the cluster did not form, or the "
          + "machine is overloaded)");
      return 1;
    } catch (Exception e) {
      System.err.println("hub: could not start: " + e);
      return 1;
    }
    log.info("hub node {} listening on http://{}:{} (WebSocket at /ws)", hub.name(),
        hubConfig.http().host(), hub.port());
    Runnable shutdown = () -> {
      log.info("shutting down within {} ms", hubConfig.shutdown().graceMs());
      try {
        hub.stop().await(hubConfig.shutdown().graceMs(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        log.warn("shutdown cut short: {}", e.toString());
      }
      System.exit(0);
    };
    // Handling the signals ourselves (rather than a shutdown hook) lets a graceful stop exit with status 0.
    Signal.handle(new Signal("TERM"), sig -> shutdown.run());
    Signal.handle(new Signal("INT"), sig -> shutdown.run());
    return 0;
  }

  private Map<String, String> flags() {
    Map<String, String> flags = new LinkedHashMap<>();
    if (port != null) {
      flags.put("http.port", port);
    }
    if (host != null) {
      flags.put("http.host", host);
    }
    if (node != null) {
      flags.put("node.name", node);
    }
    if (cluster) {
      flags.put("cluster.enabled", "true");
    }
    return flags;
  }
}
