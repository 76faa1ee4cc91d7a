package dev.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.hub.config.HubConfig;
import dev.hub.test.RawHttp;
import dev.hub.test.TestHub;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a team deploys cannot rot: every {@code HUB_*} variable of {@code deploy/kubernetes/} and
 * {@code docker-compose.yml} names a key the config loader knows, their values load, each probe path answers on
 * a running hub (on the test's Vert.x), the members' Service is the one discovery looks up, and a pod has time to
 * drain.
 */
@ExtendWith(VertxExtension.class)
class DeployManifestsTest {
  /** Surefire runs in the hub module's directory. */
  private static final Path ROOT = Path.of("..");
  private static final Path KUBERNETES = ROOT.resolve("deploy/kubernetes");
  private static final Path COMPOSE = ROOT.resolve("docker-compose.yml");
  private static final Path DOCKERFILE = ROOT.resolve("hub/Dockerfile");
  private static final YAMLMapper YAML = new YAMLMapper();
  /** What a variable taken from a Secret stands for here: long enough for auth.secret and auth.apiKey. */
  private static final String FROM_SECRET = "a-stand-in-for-a-secret-of-32-bytes";
  /** An address Kubernetes could give a pod, which its probes send as {@code Host}. */
  private static final String POD_ADDRESS = "10.244.1.17";

  /** One file's {@code HUB_*} variables: name to literal value, {@code null} where the platform fills it in. */
  private record Variables(Path file, Map<String, String> values) {
  }

  @Test
  void everyHubVariableNamesAConfigKeyAndItsValueLoads() throws IOException {
    Set<String> known = ConfigLoader.leafKeys(ConfigLoader.defaultsTree()).stream()
        .map(ConfigLoader::envName).collect(Collectors.toSet());
    List<Variables> files = new ArrayList<>(List.of(composeVariables()));
    files.add(kubernetesVariables());
    for (Variables file : files) {
      assertTrue(file.values().containsKey("HUB_CLUSTER_DISCOVERY"), () -> file.file() + ": no variables found");
      for (String name : file.values().keySet()) {
        assertTrue(known.contains(name), () -> file.file() + ": " + name + " names no config key");
      }
      Map<String, String> env = new LinkedHashMap<>(file.values());
      env.values().removeIf(value -> value == null);
      ConfigLoader loader = new ConfigLoader();
      HubConfig config = loader.load(null, env, Map.of());
      assertEquals(List.of(), loader.warnings(), file.file()::toString);
      assertTrue(config.cluster().enabled() && config.cluster().usesDns(), () -> file.file() + ": DNS discovery");
    }
  }

  @Test
  void everyProbePathAnswersOnARunningHub(Vertx vertx) throws IOException {
    JsonNode container = hubContainer();
    Map<String, Integer> ports = new LinkedHashMap<>();
    container.path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
    Set<String> paths = new LinkedHashSet<>();
    for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
      JsonNode httpGet = container.path(probe).path("httpGet");
      assertFalse(httpGet.isMissingNode(), probe + " is an HTTP probe");
      assertEquals(Integer.valueOf(kubernetesVariables().values().get("HUB_HTTP_PORT")),
          ports.get(httpGet.path("port").asText()), probe + " asks the port the hub listens on");
      paths.add(httpGet.path("path").asText());
    }
    Matcher healthcheck = Pattern.compile("curl -fsS http://127\\.0\\.0\\.1:8080(/\\S*)")
        .matcher(Files.readString(DOCKERFILE));
    assertTrue(healthcheck.find(), "the image's HEALTHCHECK, which Compose waits on");
    paths.add(healthcheck.group(1));
    try (TestHub hub = TestHub.start(vertx)) {
      for (String path : paths) {
        assertEquals(200, hub.get(path).statusCode(), () -> path + " on a serving hub");
        // The kubelet names the pod's address as Host: the probes answer it even with auth off (HostPolicy).
        assertEquals(200, RawHttp.get(hub.port(), path, POD_ADDRESS + ":" + hub.port(), Map.of()).status(),
            () -> path + " probed by the pod's address");
      }
    }
  }

  @Test
  void discoveryLooksUpTheHeadlessServiceOfTheHubPods() throws IOException {
    Map<String, String> env = kubernetesVariables().values();
    JsonNode deployment = kind("Deployment");
    JsonNode podLabels = deployment.path("spec").path("template").path("metadata").path("labels");
    JsonNode members = manifests().stream()
        .filter(m -> "Service".equals(m.path("kind").asText()))
        .filter(m -> env.get("HUB_CLUSTER_SERVICE_DNS").equals(m.path("metadata").path("name").asText()))
        .findFirst().orElseThrow(() -> new AssertionError("no Service named " + env.get("HUB_CLUSTER_SERVICE_DNS")));
    assertEquals("None", members.path("spec").path("clusterIP").asText(), "headless: one address per pod");
    assertTrue(members.path("spec").path("publishNotReadyAddresses").asBoolean(),
        "a pod is ready only once it has joined, so it must be found before");
    assertEquals(env.get("HUB_CLUSTER_PORT"), members.path("spec").path("ports").get(0).path("port").asText());
    for (JsonNode manifest : manifests()) {
      selectedLabels(manifest).fields().forEachRemaining(label -> assertEquals(label.getValue(),
          podLabels.path(label.getKey()), () -> manifest.path("kind").asText() + " selects the hub pods"));
    }
  }

  /** The labels a Service, Deployment, PodDisruptionBudget or NetworkPolicy selects pods by. */
  private static JsonNode selectedLabels(JsonNode manifest) {
    JsonNode spec = manifest.path("spec");
    if (spec.has("podSelector")) {
      return spec.path("podSelector").path("matchLabels");
    }
    JsonNode selector = spec.path("selector");
    return selector.has("matchLabels") ? selector.path("matchLabels") : selector;
  }

  @Test
  void aPodHasTimeToDrainBeforeItIsKilled() throws IOException {
    JsonNode pod = kind("Deployment").path("spec").path("template").path("spec");
    JsonNode preStop = hubContainer().path("lifecycle").path("preStop").path("exec").path("command");
    assertEquals("sleep", preStop.get(0).asText());
    long preStopMs = preStop.get(1).asLong() * 1000;
    long graceMs = Long.parseLong(kubernetesVariables().values().get("HUB_SHUTDOWN_GRACE_MS"));
    long killedAfterMs = pod.path("terminationGracePeriodSeconds").asLong() * 1000;
    assertTrue(killedAfterMs > preStopMs + graceMs,
        () -> "terminationGracePeriodSeconds must exceed preStop + shutdown.graceMs: " + killedAfterMs);

    JsonNode hub = YAML.readTree(COMPOSE.toFile()).path("services").path("hub");
    long composeGraceMs = HubConfig.defaults().shutdown().graceMs();
    long stopAfterMs = Long.parseLong(hub.path("stop_grace_period").asText().replace("s", "")) * 1000;
    assertTrue(stopAfterMs > composeGraceMs, "stop_grace_period must exceed shutdown.graceMs");
  }

  private static Variables composeVariables() throws IOException {
    JsonNode environment = YAML.readTree(COMPOSE.toFile()).path("services").path("hub").path("environment");
    Map<String, String> values = new LinkedHashMap<>();
    environment.fields().forEachRemaining(e -> values.put(e.getKey(), interpolate(e.getValue().asText())));
    return new Variables(COMPOSE, values);
  }

  /** Compose's {@code ${NAME:-default}} as an unset shell variable leaves it. */
  private static String interpolate(String value) {
    return value.replaceAll("\\$\\{[A-Za-z0-9_]+:-([^}]*)}", "$1");
  }

  private static Variables kubernetesVariables() throws IOException {
    Map<String, String> values = new LinkedHashMap<>();
    hubContainer().path("env").forEach(variable -> {
      JsonNode from = variable.path("valueFrom");
      values.put(variable.path("name").asText(), from.has("secretKeyRef") ? FROM_SECRET
          : from.isMissingNode() ? variable.path("value").asText() : null);
    });
    return new Variables(KUBERNETES, values);
  }

  private static JsonNode hubContainer() throws IOException {
    JsonNode containers = kind("Deployment").path("spec").path("template").path("spec").path("containers");
    assertEquals(1, containers.size());
    return containers.get(0);
  }

  private static JsonNode kind(String kind) throws IOException {
    List<JsonNode> found = manifests().stream().filter(m -> kind.equals(m.path("kind").asText())).toList();
    assertEquals(1, found.size(), () -> "one " + kind + " in " + KUBERNETES);
    return found.get(0);
  }

  /** Every document of every YAML file in deploy/kubernetes. */
  private static List<JsonNode> manifests() throws IOException {
    List<JsonNode> documents = new ArrayList<>();
    try (Stream<Path> files = Files.list(KUBERNETES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
          docs.readAll().stream().filter(doc -> doc != null && !doc.isEmpty()).forEach(documents::add);
        }
      }
    }
    assertTrue(documents.size() >= 4, () -> "manifests in " + KUBERNETES.toAbsolutePath());
    return documents;
  }
}
