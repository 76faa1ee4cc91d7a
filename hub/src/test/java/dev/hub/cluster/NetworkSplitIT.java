package dev.hub.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hub.bench.Bench;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL.md section 5's three rules under faults, through a real network split: three processes of the built
 * jar, each in a network namespace of its own on 198.18.0.0/15, node 3 cut off from nodes 1 and 2 with
 * {@code nft} while a publisher on each side publishes into a history room and sessions on every node record
 * what they get; after the heal and the merge, the bench's split scenario checks its ledger (no two events under
 * one {@code (epoch, seq)}, no acknowledged publish lost without {@code reset} or {@code recovered:false}, no
 * session stuck). One run with {@code cluster.quorum} 0, the default: the run with a quorum and the repeated runs
 * are {@code java -jar bench/target/bench.jar split --quorum 2 --runs 3} (each run takes a minute and more).
 * Needs root, for the namespaces; the scenario removes them, its rules and its processes whatever happens.
 */
class NetworkSplitIT {

  @Test
  void theRulesUnderFaultsHoldThroughASplitAndItsHeal() {
    int status = Bench.run("split", "--hub-jar", System.getProperty("hub.jar"), "--quorum", "0", "--runs", "1",
        "--split-seconds", "12", "--out", "target/split-quorum-0.json");
    assertEquals(0, status, "the split scenario found the rules broken (its figures are in this test's output)");
  }
}
