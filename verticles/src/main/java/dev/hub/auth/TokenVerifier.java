package dev.hub.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.config.AuthConfig;
import dev.hub.protocol.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Verifies JWTs (PROTOCOL.md section 6) with vertx-auth-jwt: HS256 with {@code auth.secret}, or RS256/ES256
 * with {@code auth.publicKey}; no other algorithm, never {@code none}. Turns the claims into an
 * {@link Identity}, refusing a token whose claims are malformed rather than guessing.
 */
public final class TokenVerifier {
  private final JWTAuth jwt;
  private final boolean requireExp;
  private final long leewayMs;

  /**
   * @param publicKeyText the content of {@code auth.publicKey} (see {@link #readPublicKey}), or {@code null}
   *     with a secret
   */
  public TokenVerifier(Vertx vertx, AuthConfig config, String publicKeyText) {
    // vertx-auth-jwt would hold iat against the clock too (User.expired), so a little skew of the issuer's clock
    // refused valid tokens; it checks no time at all here, and identity() checks exp and nbf.
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(new JWTOptions().setIgnoreExpiration(true));
    if (config.secret() != null && !config.secret().isBlank()) {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(config.secret()));
    } else {
      addPublicKey(options, publicKeyText);
    }
    this.jwt = JWTAuth.create(vertx, options);
    this.requireExp = config.requireExp();
    this.leewayMs = config.leewayMs();
  }

  /**
   * Fails with {@link InvalidTokenException} for a missing, expired, not yet valid ({@code nbf}), forged or
   * malformed token. {@code exp} and {@code nbf} are held against this node's clock with {@code auth.leewayMs};
   * {@code iat} is not, since an issuer's clock a little ahead says nothing against the token.
   */
  public Future<Identity> verify(String token) {
    if (token == null || token.isBlank()) {
      return Future.failedFuture(new InvalidTokenException("a token is required"));
    }
    return jwt.authenticate(new TokenCredentials(token))
        .recover(e -> Future.failedFuture(new InvalidTokenException("invalid token: " + e.getMessage())))
        .compose(user -> {
          try {
            // vertx-auth-jwt keeps the whole payload there; principal() lacks exp, iat and nbf.
            JsonObject claims = user.attributes().getJsonObject("accessToken", user.principal());
            return Future.succeededFuture(identity(claims));
          } catch (InvalidTokenException e) {
            return Future.failedFuture(e);
          }
        });
  }

  private Identity identity(JsonObject claims) {
    Object sub = claims.getValue("sub");
    if (!(sub instanceof String user) || user.isEmpty() || user.length() > 256) {
      throw new InvalidTokenException("the token's sub must be a non-empty string");
    }
    Object exp = claims.getValue("exp");
    if (exp == null && requireExp) {
      throw new InvalidTokenException("the token has no exp");
    }
    if (exp != null && !(exp instanceof Number)) {
      throw new InvalidTokenException("the token's exp must be a number");
    }
    Object nbf = claims.getValue("nbf");
    if (nbf != null && !(nbf instanceof Number)) {
      throw new InvalidTokenException("the token's nbf must be a number");
    }
    long now = System.currentTimeMillis();
    if (exp != null && now >= millis(exp) + leewayMs) {
      throw new InvalidTokenException("the token has expired");
    }
    if (nbf != null && now < millis(nbf) - leewayMs) {
      throw new InvalidTokenException("the token is not valid yet (nbf)");
    }
    Object meta = claims.getValue("meta");
    if (meta != null && !(meta instanceof JsonObject)) {
      throw new InvalidTokenException("the token's meta must be an object");
    }
    Object rooms = claims.getValue("rooms");
    if (rooms != null && !(rooms instanceof JsonObject)) {
      throw new InvalidTokenException("the token's rooms must be an object with join and publish lists");
    }
    JsonObject roomClaims = rooms == null ? new JsonObject() : (JsonObject) rooms;
    Permissions permissions = Permissions.of(patterns(roomClaims.getValue("join"), "rooms.join"),
        patterns(roomClaims.getValue("publish"), "rooms.publish"),
        patterns(claims.getValue("requests"), "requests"));
    return new Identity(user, metaNode((JsonObject) meta), permissions,
        Boolean.TRUE.equals(claims.getValue("admin")), exp == null ? null : ((Number) exp).longValue() * 1000);
  }

  /** A NumericDate claim (seconds, possibly fractional) in milliseconds. */
  private static long millis(Object numericDate) {
    return (long) (((Number) numericDate).doubleValue() * 1000);
  }

  private static List<SubjectPattern> patterns(Object claim, String name) {
    if (claim == null) {
      return List.of();
    }
    if (!(claim instanceof JsonArray list)) {
      throw new InvalidTokenException("the token's " + name + " must be a list of patterns");
    }
    List<SubjectPattern> patterns = new ArrayList<>(list.size());
    for (Object item : list) {
      if (!(item instanceof String text)) {
        throw new InvalidTokenException("the token's " + name + " must be a list of patterns");
      }
      try {
        patterns.add(SubjectPattern.parse(text));
      } catch (IllegalArgumentException e) {
        throw new InvalidTokenException("the token's " + name + ": " + e.getMessage());
      }
    }
    return patterns;
  }

  private static JsonNode metaNode(JsonObject meta) {
    try {
      return Json.MAPPER.readTree(meta == null ? "{}" : meta.encode());
    } catch (JsonProcessingException e) {
      throw new InvalidTokenException("the token's meta is not JSON");
    }
  }

  /** Reads {@code auth.publicKey}; blocks, so call it before any event loop needs the verifier. */
  public static String readPublicKey(AuthConfig config) {
    if (config.publicKey() == null || config.publicKey().isBlank()) {
      return null;
    }
    Path file = Path.of(config.publicKey());
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("auth.publicKey: cannot read " + file, e);
    }
  }

  /** A PEM public key (RSA: RS256, EC: ES256) or a JWKS document. */
  private static void addPublicKey(JWTAuthOptions options, String text) {
    if (text.trim().startsWith("{")) {
      JsonArray keys = new JsonObject(text).getJsonArray("keys", new JsonArray());
      for (int i = 0; i < keys.size(); i++) {
        JsonObject key = keys.getJsonObject(i);
        if (!key.containsKey("alg")) {
          key.put("alg", "EC".equals(key.getString("kty")) ? "ES256" : "RS256");
        }
        options.addJwk(key);
      }
      return;
    }
    options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(pemAlgorithm(text)).setBuffer(text));
  }

  private static String pemAlgorithm(String pem) {
    byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", "").trim());
    try {
      KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
      return "RS256";
    } catch (Exception notRsa) {
      return "ES256";
    }
  }
}
