package dev.hub.test;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Signs test tokens the way an application's login would. */
public final class Tokens {
  /** A valid HS256 secret for test hubs. */
  public static final String SECRET = "test-secret-0123456789abcdef-0123456789";

  private static final Vertx VERTX = Vertx.vertx();

  private Tokens() {
  }

  /** HS256 with {@link #SECRET}; {@code exp} as given in the claims (or none). */
  public static String hs256(JsonObject claims) {
    return sign(claims, "HS256", SECRET);
  }

  /** Signed with {@code algorithm} and the given key: a secret for HS256, a PKCS#8 PEM private key otherwise. */
  public static String sign(JsonObject claims, String algorithm, String key) {
    JWTAuth jwt = JWTAuth.create(VERTX, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm(algorithm).setBuffer(key)));
    return jwt.generateToken(claims, new JWTOptions().setAlgorithm(algorithm).setNoTimestamp(true));
  }

  /** Signed as {@link #sign}, with a {@code kid} header naming the key, as a JWKS issuer does. */
  public static String sign(JsonObject claims, String algorithm, String key, String kid) {
    JWTAuth jwt = JWTAuth.create(VERTX, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm(algorithm).setBuffer(key).setId(kid)));
    return jwt.generateToken(claims, new JWTOptions().setAlgorithm(algorithm).setNoTimestamp(true)
        .setHeader(new JsonObject().put("kid", kid)));
  }

  /** An unsigned token with {@code "alg":"none"}, which must never be accepted. */
  public static String unsigned(JsonObject claims) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8)) + ".";
  }

  /** {@code exp} this many seconds from now (negative: in the past). */
  public static long expIn(long seconds) {
    return System.currentTimeMillis() / 1000 + seconds;
  }

  /** Claims for a user who may join and publish the given room patterns. */
  public static JsonObject user(String sub, String join, String publish) {
    return new JsonObject().put("sub", sub).put("exp", expIn(3600))
        .put("rooms", new JsonObject()
            .put("join", join == null ? new io.vertx.core.json.JsonArray() : new io.vertx.core.json.JsonArray().add(join))
            .put("publish", publish == null ? new io.vertx.core.json.JsonArray()
                : new io.vertx.core.json.JsonArray().add(publish)));
  }
}
