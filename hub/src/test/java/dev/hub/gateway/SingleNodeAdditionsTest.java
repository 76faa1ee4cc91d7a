package dev.hub.gateway;

import dev.hub.test.NatsServer;
import dev.hub.test.TestHub;
import io.nats.client.Connection;
import io.vertx.core.Vertx;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The protocol additions against one node on the class's Vert.x: both clients of each test on it. */
class SingleNodeAdditionsTest extends ProtocolAdditionsSuite implements BanSuite {
  private static NatsServer nats;
  private static TestHub hub;
  private static Connection service;

  @BeforeAll
  static void start(Vertx vertx) {
    nats = NatsServer.start();
    hub = TestHub.start(vertx, settings(nats));
    service = nats.connect();
    awaitBridges(List.of(hub));
  }

  @AfterAll
  static void stop() {
    hub.close();
    nats.close();
  }

  @Override
  public TestHub first() {
    return hub;
  }

  @Override
  public TestHub second() {
    return hub;
  }

  @Override
  Connection service() {
    return service;
  }
}
