package dev.hub.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.test.Eventually;
import dev.hub.test.Frames;
import dev.hub.test.NatsServer;
import dev.hub.test.TestHub;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TLS keys: a nats-server that requires TLS with a self-signed certificate the hub trusts. The hub runs on the
 * test's Vert.x.
 */
@ExtendWith(VertxExtension.class)
class NatsTlsTest {
  private static final char[] PASSWORD = "changeit".toCharArray();

  @TempDir
  Path dir;

  @Test
  void theHubConnectsOverTlsTrustingTheConfiguredTruststore(Vertx vertx) throws Exception {
    Path serverKeys = dir.resolve("server.p12");
    keytool("-genkeypair", "-alias", "nats", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-keystore", serverKeys.toString(),
        "-storetype", "PKCS12", "-storepass", new String(PASSWORD), "-noprompt");
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(serverKeys)) {
      keys.load(in, PASSWORD);
    }
    Certificate certificate = keys.getCertificate("nats");
    Path certPem = pem(dir.resolve("cert.pem"), "CERTIFICATE", certificate.getEncoded());
    Path keyPem = pem(dir.resolve("key.pem"), "PRIVATE KEY", keys.getKey("nats", PASSWORD).getEncoded());
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("nats", certificate);
    Path truststore = dir.resolve("trust.p12");
    try (OutputStream out = Files.newOutputStream(truststore)) {
      trust.store(out, PASSWORD);
    }

    try (NatsServer nats = NatsServer.startWith("--tls", "--tlscert", certPem.toString(), "--tlskey",
        keyPem.toString());
        TestHub hub = TestHub.start(vertx, NatsServer.hubFlagsFor("tls://127.0.0.1:" + nats.port(),
            "nats.truststore", truststore.toString(), "nats.truststorePassword", new String(PASSWORD)))) {
      JsonNode link = Eventually.until("connected over TLS",
          () -> Frames.parse(hub.get("/ready").body()).path("details").path("nats"),
          l -> "connected".equals(l.path("state").asText()));
      assertEquals("tls://127.0.0.1:" + nats.port(), link.get("server").asText());
    }
  }

  private static Path pem(Path file, String type, byte[] der) throws IOException {
    String body = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der);
    return Files.writeString(file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");
  }

  private static void keytool(String... args) throws Exception {
    String[] command = new String[args.length + 1];
    command[0] = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    System.arraycopy(args, 0, command, 1, args.length);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("keytool failed: " + output);
    }
  }
}
