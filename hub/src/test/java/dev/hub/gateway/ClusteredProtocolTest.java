package dev.hub.gateway;

import dev.hub.test.TestCluster;
import dev.hub.test.TestHub;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The protocol suite against a two-node cluster: the two clients of each test on different nodes. The nodes run
 * on their own clustered Vert.x, stopped after the class; the clients on the class's Vert.x.
 */
class ClusteredProtocolTest extends ProtocolSuite {
  private static TestCluster cluster;

  @BeforeAll
  static void startCluster(Vertx clients) {
    cluster = TestCluster.start(clients, 2, SETTINGS);
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  @Override
  TestHub first() {
    return cluster.node(0);
  }

  @Override
  TestHub second() {
    return cluster.node(1);
  }
}
