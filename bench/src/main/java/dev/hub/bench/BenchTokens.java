package dev.hub.bench;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HS256 tokens for a hub started with {@link #SECRET}, one user each, so that every connection's token is
 * verified on its own (a server could remember one token seen again and again). Each may join and publish to
 * any room.
 */
final class BenchTokens {
  static final String SECRET = "bench-secret-bench-secret-bench-secret-0123";
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
  private static final String HEADER = BASE64URL.encodeToString(
      "{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

  private final AtomicInteger users = new AtomicInteger();

  /** A fresh token for the next user, valid for an hour. */
  String next() {
    long exp = System.currentTimeMillis() / 1000 + 3600;
    String claims = "{\"sub\":\"bench-" + users.incrementAndGet() + "\",\"exp\":" + exp
        + ",\"rooms\":{\"join\":[\">\"],\"publish\":[\">\"]}}";
    String signed = HEADER + "." + BASE64URL.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return signed + "." + BASE64URL.encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
