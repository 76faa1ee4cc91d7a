package dev.hub.gateway;

import dev.hub.test.NatsServer;
import dev.hub.test.TestCluster;
import dev.hub.test.TestHub;
import io.nats.client.Connection;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The protocol additions against a two-node cluster: the two clients of each test on different nodes. The nodes
 * run on their own clustered Vert.x, stopped after the class; the clients on the class's Vert.x.
 */
class ClusteredAdditionsTest extends ProtocolAdditionsSuite implements BanSuite {
  private static NatsServer nats;
  private static TestCluster cluster;
  private static Connection service;

  @BeforeAll
  static void start(Vertx clients) {
    nats = NatsServer.start();
    cluster = TestCluster.start(clients, 2, settings(nats));
    service = nats.connect();
    awaitBridges(cluster.nodes());
  }

  @AfterAll
  static void stop() {
    cluster.close();
    nats.close();
  }

  @Override
  public TestHub first() {
    return cluster.node(0);
  }

  @Override
  public TestHub second() {
    return cluster.node(1);
  }

  @Override
  Connection service() {
    return service;
  }
}
