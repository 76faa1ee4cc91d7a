package dev.hub.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import dev.hub.presence.PresenceService;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a member leaves the cluster, gracefully or not, the oldest survivor removes its node's sessions from
 * presence and tells their rooms. The stale-entry sweep is the backstop for anything this misses.
 */
public final class NodeFailureCleanup {
  private static final Logger LOG = LoggerFactory.getLogger(NodeFailureCleanup.class);

  private final HazelcastInstance hazelcast;
  private final HazelcastPresenceStore store;
  private final PresenceService presence;
  private UUID listener;

  /**
   * @param store asked only whether this member is the oldest
   * @param presence removes the node and announces what its sessions left
   */
  public NodeFailureCleanup(HazelcastInstance hazelcast, HazelcastPresenceStore store, PresenceService presence) {
    this.hazelcast = hazelcast;
    this.store = store;
    this.presence = presence;
  }

  public void start() {
    listener = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        String node = ClusterNodes.nameOf(event.getMember());
        if (node != null && store.isOldestMember()) {
          presence.removeNode(node)
              .onSuccess(left -> LOG.info("node {} left the cluster; removed {} memberships", node, left))
              .onFailure(e -> LOG.warn("cleanup after node {} failed; the stale sweep will retry", node, e));
        }
      }
    });
  }

  public void stop() {
    if (listener != null) {
      hazelcast.getCluster().removeMembershipListener(listener);
    }
  }
}
