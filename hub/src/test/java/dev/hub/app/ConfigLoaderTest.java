package dev.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.hub.config.BatchConfig;
import dev.hub.config.HeartbeatConfig;
import dev.hub.config.HubConfig;
import dev.hub.config.LimitsConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load order of DESIGN.md (defaults in code = {@code config/hub.yaml}, file, {@code HUB_*} environment,
 * flags; later wins) and its failures: one line naming the key, or a warning for an unknown variable.
 */
class ConfigLoaderTest {
  /** Surefire runs in the hub module's directory. */
  private static final Path SHIPPED_YAML = Path.of("../config/hub.yaml");

  @TempDir
  Path dir;

  // Defaults

  @Test
  void defaultsInCodeEqualConfigHubYaml() throws IOException {
    assertTrue(Files.isRegularFile(SHIPPED_YAML), () -> "no " + SHIPPED_YAML.toAbsolutePath());
    assertEquals(HubConfig.defaults(), load(SHIPPED_YAML, Map.of(), Map.of()));

    JsonNode inCode = ConfigLoader.defaultsTree();
    JsonNode inFile = new YAMLMapper().readTree(SHIPPED_YAML.toFile());
    assertEquals(new TreeSet<>(ConfigLoader.leafKeys(inCode)), new TreeSet<>(ConfigLoader.leafKeys(inFile)),
        "config/hub.yaml documents every key, no more");
  }

  @Test
  void noConfigAtAllIsTheDefaults() throws IOException {
    assertEquals(HubConfig.defaults(), load(null, Map.of(), Map.of()));
    assertEquals(HubConfig.defaults(), load(yaml(""), Map.of(), Map.of()), "an empty file changes nothing");
    assertEquals(HubConfig.defaults(), load(yaml("# only a comment\n"), Map.of(), Map.of()));
  }

  // File

  @Test
  void fileOverridesDefaultsKeyByKey() throws IOException {
    HubConfig config = load(yaml("""
        node:
          name: from-file
        http:
          port: 9001
        heartbeat:
          intervalMs: 1000
          timeoutMs: 4000
        limits:
          maxFrameBytes: 1024
        batch:
          events: ["logs:*", "*:stats"]
        dedup:
          windowMs: 0
        shutdown:
          graceMs: 500
        """), Map.of(), Map.of());
    assertEquals("from-file", config.node().name());
    assertEquals(9001, config.http().port());
    assertEquals(new HeartbeatConfig(1000, 4000L), config.heartbeat());
    assertEquals(1024, config.limits().maxFrameBytes());
    assertEquals(List.of("logs:*", "*:stats"), config.batch().events());
    assertEquals(0, config.dedup().windowMs());
    assertEquals(500, config.shutdown().graceMs());

    assertEquals("127.0.0.1", config.http().host(), "keys the file leaves out keep their defaults");
    assertEquals(LimitsConfig.DEFAULT_MAX_ROOMS_PER_SESSION, config.limits().maxRoomsPerSession());
    assertEquals(BatchConfig.DEFAULT_MAX_EVENTS, config.batch().maxEvents());
    assertEquals(HubConfig.defaults().presence(), config.presence());
  }

  @Test
  void aQuotedNumberInTheFileIsANumber() throws IOException {
    assertEquals(9005, load(yaml("http:\n  port: \"9005\"\n"), Map.of(), Map.of()).http().port());
  }

  // Environment

  @Test
  void environmentVariablesApply() {
    Map<String, String> env = Map.of(
        "HUB_HTTP_PORT", "9100",
        "HUB_HEARTBEAT_INTERVAL_MS", "2000",
        "HUB_HEARTBEAT_TIMEOUT_MS", "9000",
        "HUB_BATCH_EVENTS", "logs:*,*:stats",
        "HUB_LIMITS_MAX_FRAME_BYTES", "1024",
        "HUB_NODE_NAME", "from-env",
        "PATH", "/usr/bin:/bin",
        "HOME", "/root");
    ConfigLoader loader = new ConfigLoader();
    HubConfig config = loader.load(null, env, Map.of());
    assertEquals(9100, config.http().port());
    assertEquals(new HeartbeatConfig(2000, 9000L), config.heartbeat());
    assertEquals(List.of("logs:*", "*:stats"), config.batch().events());
    assertEquals(1024, config.limits().maxFrameBytes());
    assertEquals("from-env", config.node().name());
    assertEquals(List.of(), loader.warnings(), "variables outside HUB_* are none of the hub's business");
  }

  @Test
  void listsFromTheEnvironmentAreTrimmedAndMayBeEmpty() throws IOException {
    assertEquals(List.of("logs:*", "*:stats"),
        load(null, Map.of("HUB_BATCH_EVENTS", " logs:* , *:stats ,"), Map.of()).batch().events());
    assertEquals(List.of(), load(yaml("batch:\n  events: [\"a\"]\n"), Map.of("HUB_BATCH_EVENTS", ""),
        Map.of()).batch().events(), "an empty variable empties the file's list");
  }

  @Test
  void everyKeyHasAnEnvironmentVariable() throws IOException {
    assertEquals("HUB_HTTP_PORT", ConfigLoader.envName("http.port"));
    assertEquals("HUB_HEARTBEAT_INTERVAL_MS", ConfigLoader.envName("heartbeat.intervalMs"));
    assertEquals("HUB_LIMITS_MAX_QUEUED_BYTES", ConfigLoader.envName("limits.maxQueuedBytes"));

    // Every key set through its variable to the value config/hub.yaml gives it: all apply, none is unknown.
    JsonNode shipped = new YAMLMapper().readTree(SHIPPED_YAML.toFile());
    Map<String, String> env = new HashMap<>();
    for (String key : ConfigLoader.leafKeys(shipped)) {
      JsonNode value = shipped.at("/" + key.replace('.', '/'));
      if (value.isArray()) {
        List<String> items = new ArrayList<>();
        value.forEach(item -> items.add(item.asText()));
        env.put(ConfigLoader.envName(key), String.join(",", items));
      } else if (!value.isNull()) {
        env.put(ConfigLoader.envName(key), value.asText());
      }
    }
    assertTrue(env.size() >= 15, () -> "too few keys found: " + env.keySet());
    ConfigLoader loader = new ConfigLoader();
    assertEquals(HubConfig.defaults(), loader.load(null, env, Map.of()));
    assertEquals(List.of(), loader.warnings());
  }

  @Test
  void unknownHubVariableIsOnlyAWarning() {
    ConfigLoader loader = new ConfigLoader();
    HubConfig config = loader.load(null, Map.of("HUB_FOO", "1", "HUB_HTTP", "x", "HUB_HTTP_PORT", "9200"), Map.of());
    assertEquals(9200, config.http().port(), "the known variable still applies");
    List<String> warnings = loader.warnings();
    assertEquals(2, warnings.size(), warnings::toString);
    for (String name : List.of("HUB_FOO", "HUB_HTTP")) {
      Pattern whole = Pattern.compile("\\b" + name + "\\b");
      assertTrue(warnings.stream().anyMatch(w -> whole.matcher(w).find()), () -> name + " not in " + warnings);
    }
  }

  // Precedence

  @Test
  void flagsBeatEnvironmentWhichBeatsFile() throws IOException {
    Path file = yaml("http:\n  port: 9001\nnode:\n  name: file-node\nheartbeat:\n  intervalMs: 1000\n");
    Map<String, String> env = Map.of("HUB_HTTP_PORT", "9002", "HUB_NODE_NAME", "env-node");
    Map<String, String> flags = Map.of("http.port", "9003");

    assertEquals(9001, load(file, Map.of(), Map.of()).http().port());
    assertEquals(9002, load(file, env, Map.of()).http().port());
    HubConfig all = load(file, env, flags);
    assertEquals(9003, all.http().port());
    assertEquals("env-node", all.node().name(), "the environment wins where no flag is given");
    assertEquals(1000, all.heartbeat().intervalMs(), "the file wins where nothing later is given");
    assertEquals(9003, load(null, Map.of(), flags).http().port());
  }

  // Failures

  @Test
  void unknownKeyInTheFileStopsNamingTheKey() throws IOException {
    Path file = yaml("http:\n  prot: 8080\n");
    String message = failure(file, Map.of(), Map.of());
    assertNamesKey(message, "http.prot");
    assertTrue(message.contains(file.toString()), () -> "names the file: " + message);

    assertNamesKey(failure(yaml("htp:\n  port: 1\n"), Map.of(), Map.of()), "htp");
    assertNamesKey(failure(yaml("limits:\n  maxFrameByte: 1024\n"), Map.of(), Map.of()), "limits.maxFrameByte");
    assertNamesKey(failure(yaml("http:\n  port: 1\n  extra:\n    deep: 1\n"), Map.of(), Map.of()), "http.extra");
  }

  @Test
  void badValueInTheFileStopsNamingTheKey() throws IOException {
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("http:\n  port: abc\n", "http.port");
    cases.put("http:\n  port: 70000\n", "http.port");
    cases.put("http:\n  port: -1\n", "http.port");
    cases.put("http:\n  port: 80.5\n", "http.port");
    cases.put("http:\n  port: [1, 2]\n", "http.port");
    cases.put("http:\n  port: {a: 1}\n", "http.port");
    cases.put("http:\n  port: null\n", "http.port");
    cases.put("http:\n  port: true\n", "http.port");
    cases.put("http:\n  host: \"\"\n", "http.host");
    cases.put("http: 5\n", "http");
    cases.put("http: [1]\n", "http");
    cases.put("heartbeat:\n  intervalMs: 1.5\n", "heartbeat.intervalMs");
    cases.put("heartbeat:\n  intervalMs: 1000\n  timeoutMs: 500\n", "heartbeat.timeoutMs");
    cases.put("limits:\n  maxFrameBytes: 99999999999\n", "limits.maxFrameBytes");
    cases.put("limits:\n  maxFrameBytes: 10\n", "limits.maxFrameBytes");
    cases.put("batch:\n  events: \"logs:*\"\n", "batch.events");
    cases.put("batch:\n  events: [\"\"]\n", "batch.events");
    cases.put("batch:\n  maxEvents: 0\n", "batch.maxEvents");
    cases.put("presence:\n  staleAfterMs: 10\n", "presence.staleAfterMs");
    cases.put("node:\n  name: \"\"\n", "node.name");
    cases.put("shutdown:\n  graceMs: 10\n", "shutdown.graceMs");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      String message = failure(yaml(c.getKey()), Map.of(), Map.of());
      assertNamesKey(message, c.getValue());
    }
  }

  @Test
  void badValueFromTheEnvironmentOrAFlagStopsNamingTheKey() {
    assertNamesKey(failure(null, Map.of("HUB_HTTP_PORT", "abc"), Map.of()), "http.port");
    assertNamesKey(failure(null, Map.of("HUB_HTTP_PORT", "70000"), Map.of()), "http.port");
    assertNamesKey(failure(null, Map.of("HUB_HTTP_PORT", ""), Map.of()), "http.port");
    assertNamesKey(failure(null, Map.of("HUB_HEARTBEAT_INTERVAL_MS", "1.5"), Map.of()), "heartbeat.intervalMs");
    assertNamesKey(failure(null, Map.of(), Map.of("http.port", "abc")), "http.port");
    assertNamesKey(failure(null, Map.of(), Map.of("http.port", "70000")), "http.port");
    assertNamesKey(failure(null, Map.of(), Map.of("http.prot", "1")), "http.prot");
    assertNamesKey(failure(null, Map.of("HUB_HTTP_TRUSTED_PROXIES", "10.0.0.0/33"), Map.of()), "http.trustedProxies");
    assertNamesKey(failure(null, Map.of("HUB_HTTP_TRUSTED_PROXIES", "proxy.example"), Map.of()),
        "http.trustedProxies");
    assertNamesKey(failure(null, Map.of("HUB_CLUSTER_DISCOVERY", "consul"), Map.of()), "cluster.discovery");
    assertNamesKey(failure(null, Map.of("HUB_CLUSTER_DISCOVERY", "dns"), Map.of()), "cluster.serviceDns");
    assertNamesKey(failure(null, Map.of("HUB_CLUSTER_DISCOVERY", "dns", "HUB_CLUSTER_SERVICE_DNS", "a b"), Map.of()),
        "cluster.serviceDns");
  }

  @Test
  void deploymentKeysFromTheEnvironment() throws IOException {
    HubConfig config = load(null, Map.of("HUB_HTTP_TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.7,fd00::/8",
        "HUB_CLUSTER_DISCOVERY", "dns", "HUB_CLUSTER_SERVICE_DNS", "hub-members"), Map.of());
    assertEquals(List.of("10.0.0.0/8", "192.168.1.7", "fd00::/8"), config.http().trustedProxies());
    assertTrue(config.cluster().usesDns());
    assertEquals("hub-members", config.cluster().serviceDns());
    assertFalse(load(null, Map.of("HUB_CLUSTER_SERVICE_DNS", ""), Map.of()).cluster().usesDns(), "static by default");
  }

  @Test
  void missingFileAndInvalidYamlGiveClearMessages() throws IOException {
    Path missing = dir.resolve("nope.yaml");
    String noFile = failure(missing, Map.of(), Map.of());
    assertOneLine(noFile);
    assertTrue(noFile.contains(missing.toString()) && noFile.contains("no such file"), noFile);

    Path broken = yaml("http:\n  port: [1,\n");
    String notYaml = failure(broken, Map.of(), Map.of());
    assertOneLine(notYaml);
    assertTrue(notYaml.contains(broken.toString()) && notYaml.contains("not valid YAML"), notYaml);

    String notMapping = failure(yaml("- http\n- port\n"), Map.of(), Map.of());
    assertOneLine(notMapping);
    assertTrue(notMapping.contains("mapping"), notMapping);
  }

  // Derived values

  @Test
  void nullHeartbeatTimeoutMeansTwiceTheIntervalPlus5000() throws IOException {
    assertEquals(2 * HeartbeatConfig.DEFAULT_INTERVAL_MS + 5000,
        load(null, Map.of(), Map.of()).heartbeat().effectiveTimeoutMs());
    assertEquals(7000, load(null, Map.of("HUB_HEARTBEAT_INTERVAL_MS", "1000"), Map.of())
        .heartbeat().effectiveTimeoutMs());
    assertEquals(9000, load(yaml("heartbeat:\n  intervalMs: 2000\n  timeoutMs: null\n"), Map.of(), Map.of())
        .heartbeat().effectiveTimeoutMs());
    assertEquals(4000, load(yaml("heartbeat:\n  intervalMs: 2000\n  timeoutMs: 4000\n"), Map.of(), Map.of())
        .heartbeat().effectiveTimeoutMs());
  }

  // Helpers

  private static HubConfig load(Path file, Map<String, String> env, Map<String, String> flags) {
    return new ConfigLoader().load(file, env, flags);
  }

  /** The message of the {@link ConfigException} the load must stop with. */
  private static String failure(Path file, Map<String, String> env, Map<String, String> flags) {
    ConfigException e = assertThrows(ConfigException.class, () -> load(file, env, flags),
        () -> "expected a stop for file " + file + ", env " + env + ", flags " + flags);
    return e.getMessage();
  }

  private Path yaml(String text) throws IOException {
    return Files.writeString(Files.createTempFile(dir, "hub", ".yaml"), text);
  }

  private static void assertOneLine(String message) {
    assertFalse(message == null || message.isBlank(), "a message");
    assertFalse(message.contains("\n") || message.contains("\r"), () -> "one line: " + message);
  }

  /** The key as a whole word: {@code http} is not named by a message about {@code http.port}. */
  private static void assertNamesKey(String message, String key) {
    assertOneLine(message);
    Pattern whole = Pattern.compile("(^|[^A-Za-z0-9_.])" + Pattern.quote(key) + "([^A-Za-z0-9_.]|\\.?$|\\.\\s)");
    assertTrue(whole.matcher(message).find(), () -> "'" + message + "' does not name " + key);
  }

}
