package dev.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hub.config.NatsConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code nats.*} keys: off by default, a server list from one variable, bad values named. */
class NatsConfigTest {

  @Test
  void theBridgeIsOffUntilAServerIsNamed() {
    NatsConfig defaults = new ConfigLoader().load(null, Map.of(), Map.of()).nats();
    assertFalse(defaults.enabled());
    assertEquals(NatsConfig.defaults(), defaults);
    assertEquals("hub", defaults.prefix());
  }

  @Test
  void serversComeFromOneVariableAndAuthFromOthers() {
    NatsConfig nats = new ConfigLoader().load(null, Map.of(
        "HUB_NATS_URL", "nats://a:4222,nats://b:4222",
        "HUB_NATS_REQUIRED", "true",
        "HUB_NATS_USER", "hub",
        "HUB_NATS_PASSWORD", "secret",
        "HUB_NATS_CREDENTIALS_FILE", "/etc/hub/hub.creds",
        "HUB_NATS_JETSTREAM", "true",
        "HUB_NATS_MAX_REQUEST_TIMEOUT_MS", "10000"), Map.of()).nats();
    assertTrue(nats.enabled());
    assertEquals(List.of("nats://a:4222", "nats://b:4222"), nats.url());
    assertTrue(nats.required());
    assertEquals("hub", nats.user());
    assertEquals("secret", nats.password());
    assertEquals("/etc/hub/hub.creds", nats.credentialsFile());
    assertTrue(nats.jetstream());
    assertEquals(10_000, nats.maxRequestTimeoutMs());
  }

  @Test
  void badValuesStopNamingTheKey() {
    Map<Map<String, String>, String> cases = Map.of(
        Map.of("HUB_NATS_REQUIRED", "true"), "nats.required",
        Map.of("HUB_NATS_URL", "nats://a:4222", "HUB_NATS_USER", "u"), "nats.password",
        Map.of("HUB_NATS_PREFIX", "hub..x"), "nats.prefix",
        Map.of("HUB_NATS_PREFIX", "hub.>"), "nats.prefix",
        Map.of("HUB_NATS_BUFFER_BYTES", "10"), "nats.bufferBytes",
        Map.of("HUB_NATS_MAX_ATTEMPTS", "0"), "nats.maxAttempts",
        Map.of("HUB_NATS_REQUEST_TIMEOUT_MS", "60000"), "nats.requestTimeoutMs",
        Map.of("HUB_NATS_MAX_WAIT_MS", "10"), "nats.maxWaitMs",
        Map.of("HUB_NATS_DLQ_DIR", " "), "nats.dlqDir");
    cases.forEach((env, key) -> {
      ConfigException e = assertThrows(ConfigException.class, () -> new ConfigLoader().load(null, env, Map.of()),
          () -> "expected a stop for " + env);
      assertTrue(e.getMessage().contains(key + ":"), () -> e.getMessage() + " names " + key);
    });
  }
}
