package dev.hub.app;

import dev.hub.config.HubConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hub token}: mints an HS256 token with the configured {@code auth.secret}, for development and for
 * the README's quick start with auth on. Production tokens come from the application's own login.
 */
@Command(name = "token", mixinStandardHelpOptions = true,
    description = "Print a signed token (HS256, with auth.secret from --config or HUB_AUTH_SECRET).")
final class TokenCommand implements Callable<Integer> {

  @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file holding auth.secret")
  private Path config;

  @Option(names = "--user", required = true, description = "the sub claim: who the bearer is")
  private String user;

  @Option(names = "--join", paramLabel = "PATTERN", description = "rooms it may join (NATS wildcards; repeatable)")
  private List<String> join = new ArrayList<>();

  @Option(names = "--publish", paramLabel = "PATTERN",
      description = "rooms it may publish to, without joining (repeatable)")
  private List<String> publish = new ArrayList<>();

  @Option(names = "--requests", paramLabel = "PATTERN", description = "events it may send as request (repeatable)")
  private List<String> requests = new ArrayList<>();

  @Option(names = "--admin", description = "may use the HTTP API")
  private boolean admin;

  @Option(names = "--meta", paramLabel = "JSON", description = "the meta claim, shown in presence, e.g. '{\"name\":\"Ann\"}'")
  private String meta;

  @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "PT1H",
      description = "lifetime as ISO-8601, e.g. PT1H or PT15M (default: ${DEFAULT-VALUE})")
  private Duration ttl;

  @Override
  public Integer call() {
    HubConfig hubConfig;
    try {
      hubConfig = new ConfigLoader().load(config, System.getenv(), Map.of());
    } catch (ConfigException e) {
      System.err.println("hub token: " + e.getMessage());
      return 2;
    }
    String secret = hubConfig.auth().secret();
    if (secret == null || secret.isBlank()) {
      System.err.println("hub token: no auth.secret configured (set it in --config FILE or HUB_AUTH_SECRET)");
      return 2;
    }
    JsonObject claims = new JsonObject()
        .put("sub", user)
        .put("rooms", new JsonObject().put("join", new JsonArray(join)).put("publish", new JsonArray(publish)))
        .put("requests", new JsonArray(requests));
    if (admin) {
      claims.put("admin", true);
    }
    if (meta != null) {
      claims.put("meta", new JsonObject(meta));
    }
    Vertx vertx = Vertx.vertx();
    try {
      JWTAuth jwt = JWTAuth.create(vertx, new JWTAuthOptions()
          .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
      System.out.println(jwt.generateToken(claims,
          new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds((int) ttl.toSeconds())));
      return 0;
    } finally {
      vertx.close();
    }
  }
}
