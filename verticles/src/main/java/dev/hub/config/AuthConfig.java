package dev.hub.config;

import java.util.List;

/**
 * Authentication (PROTOCOL.md section 6). Auth is on when a key is configured: {@code secret} for HS256, or
 * {@code publicKey} for RS256/ES256.
 *
 * @param secret the HS256 shared secret; at least 32 bytes
 * @param publicKey a file with the RS256 or ES256 public key, PEM, or a JWKS document (JSON)
 * @param apiKey the value of {@code X-Api-Key} that opens the HTTP API; {@code null}: tokens only
 * @param leewayMs clock skew allowed when checking {@code exp} and {@code nbf}; {@code iat} is not checked
 * @param requireExp whether a token without {@code exp} is refused
 * @param allowAnonymous whether a node with auth off may listen on a non-loopback address
 * @param maxBanMs the longest ban {@code POST /api/users/{user}/disconnect} takes ({@code banForMs})
 */
public record AuthConfig(String secret, String publicKey, String apiKey, long leewayMs, boolean requireExp,
    boolean allowAnonymous, long maxBanMs) {

  /** No leeway: an expired token is expired. */
  public static final long DEFAULT_LEEWAY_MS = 0;
  /** Tokens without exp are accepted unless this is set. */
  public static final boolean DEFAULT_REQUIRE_EXP = false;
  /** Off: a node without auth stays on loopback unless told otherwise on purpose. */
  public static final boolean DEFAULT_ALLOW_ANONYMOUS = false;
  /** 30 days: a ban is a cut-off while the issuer stops minting tokens for the user, not a deletion. */
  public static final long DEFAULT_MAX_BAN_MS = 30L * 24 * 60 * 60 * 1000;
  /** HS256 needs a key at least as long as its hash. */
  public static final int MIN_SECRET_BYTES = 32;

  public static AuthConfig defaults() {
    return new AuthConfig(null, null, null, DEFAULT_LEEWAY_MS, DEFAULT_REQUIRE_EXP, DEFAULT_ALLOW_ANONYMOUS,
        DEFAULT_MAX_BAN_MS);
  }

  /** Whether clients must present a token. */
  public boolean enabled() {
    return isSet(secret) || isSet(publicKey);
  }

  /** Whether the HTTP API asks for credentials: with auth on, or with an API key set. */
  public boolean protectsApi() {
    return enabled() || isSet(apiKey);
  }

  private static boolean isSet(String value) {
    return value != null && !value.isBlank();
  }

  void validate(List<String> problems) {
    HubConfig.require(problems, !(isSet(secret) && isSet(publicKey)), "auth.secret",
        "set auth.secret (HS256) or auth.publicKey (RS256/ES256), not both");
    HubConfig.require(problems, !isSet(secret) || secret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
        >= MIN_SECRET_BYTES, "auth.secret", "must be at least " + MIN_SECRET_BYTES + " bytes");
    HubConfig.require(problems, apiKey == null || apiKey.length() >= 16, "auth.apiKey",
        "must be at least 16 characters");
    HubConfig.require(problems, leewayMs >= 0, "auth.leewayMs", "must not be negative");
    HubConfig.require(problems, maxBanMs >= 1, "auth.maxBanMs", "must be at least 1");
  }
}
