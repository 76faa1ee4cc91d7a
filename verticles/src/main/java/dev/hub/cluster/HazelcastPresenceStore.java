package dev.hub.cluster;

import static dev.hub.cluster.PresenceRecords.fromJson;
import static dev.hub.cluster.PresenceRecords.memberKey;
import static dev.hub.cluster.PresenceRecords.toJson;

import com.fasterxml.jackson.databind.JsonNode;
import com.hazelcast.aggregation.Aggregators;
import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.config.IndexConfig;
import com.hazelcast.config.IndexType;
import com.hazelcast.config.MapConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.map.IMap;
import com.hazelcast.projection.Projections;
import com.hazelcast.query.Predicate;
import com.hazelcast.query.Predicates;
import dev.hub.cluster.PresenceRecords.MemberRecord;
import dev.hub.cluster.PresenceRecords.NodeRecord;
import dev.hub.cluster.PresenceRecords.SessionRecord;
import dev.hub.presence.LiveSession;
import dev.hub.presence.RoomJoin;
import dev.hub.presence.NodeInfo;
import dev.hub.presence.PresenceStore;
import dev.hub.presence.RoomCount;
import dev.hub.presence.RoomLeave;
import dev.hub.presence.RoomUpdate;
import dev.hub.presence.SessionInfo;
import dev.hub.presence.Totals;
import dev.hub.presence.UserPresence;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * Presence of the whole cluster in Hazelcast maps of JSON documents, indexed so that a room's members and a
 * user's sessions are found without scanning, and a map of when each node last vouched for its sessions.
 * Single-key writes use Hazelcast's async API; queries and multi-entry removals, which only block, run on worker
 * threads.
 */
public final class HazelcastPresenceStore implements PresenceStore {
  static final String SESSIONS = "hub.presence.sessions";
  static final String MEMBERS = "hub.presence.members";
  static final String NODES = "hub.presence.nodes";
  static final String VOUCHED = "hub.presence.vouched";

  private final Vertx vertx;
  private final HazelcastInstance hazelcast;
  private final IMap<String, HazelcastJsonValue> sessions;
  private final IMap<String, HazelcastJsonValue> members;
  private final IMap<String, HazelcastJsonValue> nodes;
  private final IMap<String, Long> vouched;
  /** A room's count for every join and leave of it at that moment: a rejoin storm asks thousands at once. */
  private final SharedReads<String, Integer> counts;

  public HazelcastPresenceStore(Vertx vertx, HazelcastInstance hazelcast) {
    this.vertx = vertx;
    this.hazelcast = hazelcast;
    this.sessions = hazelcast.getMap(SESSIONS);
    this.members = hazelcast.getMap(MEMBERS);
    this.nodes = hazelcast.getMap(NODES);
    this.vouched = hazelcast.getMap(VOUCHED);
    this.counts = new SharedReads<>(vertx, room -> blocking(() -> countOf(room)));
  }

  /** Declares the maps' indexes; every member must use the same configuration. */
  public static void configure(Config config) {
    config.addMapConfig(new MapConfig(SESSIONS)
        .addIndexConfig(new IndexConfig(IndexType.HASH, "user"))
        .addIndexConfig(new IndexConfig(IndexType.HASH, "node"))
        .addIndexConfig(new IndexConfig(IndexType.SORTED, "connectedAt")));
    config.addMapConfig(new MapConfig(MEMBERS)
        .addIndexConfig(new IndexConfig(IndexType.HASH, "room"))
        .addIndexConfig(new IndexConfig(IndexType.HASH, "session"))
        .addIndexConfig(new IndexConfig(IndexType.HASH, "node"))
        .addIndexConfig(new IndexConfig(IndexType.SORTED, "joinedAt")));
    config.addMapConfig(new MapConfig(NODES));
    config.addMapConfig(new MapConfig(VOUCHED));
  }

  @Override
  public Future<Void> registerNode(NodeInfo node) {
    String member = hazelcast.getCluster().getLocalMember().getUuid().toString();
    return async(nodes.setAsync(node.node(), toJson(new NodeRecord(node.node(), node.address(), node.since(), member,
        node.nats()))))
        .compose(v -> async(vouched.setAsync(node.node(), System.currentTimeMillis())));
  }

  @Override
  public Future<Void> unregisterNode(String node) {
    return async(nodes.removeAsync(node)).compose(v -> async(vouched.removeAsync(node))).mapEmpty();
  }

  /** One write per node per {@code presence.refreshMs}, however many sessions it holds. */
  @Override
  public Future<Boolean> vouch(NodeInfo node, long now) {
    return async(vouched.putAsync(node.node(), now))
        .compose(previous -> async(nodes.getAsync(node.node())).map(record -> previous != null && record != null));
  }

  @Override
  public Future<Void> connect(SessionInfo s) {
    return async(sessions.setAsync(s.session(), toJson(sessionRecord(s))));
  }

  @Override
  public Future<Integer> join(String room, dev.hub.protocol.Member m) {
    return async(members.setAsync(memberKey(room, m.session()), toJson(memberRecord(room, m))))
        .compose(v -> count(room));
  }

  /**
   * Replaced only if the entry is still the one read, so that a leave or a sweep meanwhile is not undone; the
   * session's own writes come in its order, so nothing else changes its entry between the two.
   */
  @Override
  public Future<RoomUpdate> update(String room, String session, JsonNode state) {
    String key = memberKey(room, session);
    return blocking(() -> {
      HazelcastJsonValue stored = members.get(key);
      if (stored == null) {
        return null;
      }
      MemberRecord record = fromJson(stored, MemberRecord.class);
      dev.hub.protocol.Member updated = record.member().withState(state);
      if (!members.replace(key, stored, toJson(memberRecord(room, updated)))) {
        return null;
      }
      return new RoomUpdate(room, updated, countOf(room));
    });
  }

  @Override
  public Future<RoomLeave> leave(String room, String session) {
    return this.<HazelcastJsonValue>async(members.removeAsync(memberKey(room, session)))
        .compose(removed -> removed == null
            ? Future.succeededFuture(null)
            : count(room).map(left -> new RoomLeave(room, fromJson(removed, MemberRecord.class).member(), left)));
  }

  /**
   * A session's few entries: found by the indexed query (one operation per member) and removed one by one. An
   * entry processor would run on every partition, and its backups carry their keys in Java serialization: for
   * one session that cost more than the removes, and a few thousand closing at once kept a node busy for seconds.
   */
  @Override
  public Future<List<RoomLeave>> disconnect(String session) {
    return blocking(() -> {
      sessions.delete(session);
      List<MemberRecord> removed = new ArrayList<>();
      for (Map.Entry<String, HazelcastJsonValue> entry : members.entrySet(Predicates.equal("session", session))) {
        if (members.remove(entry.getKey(), entry.getValue())) {
          removed.add(fromJson(entry.getValue(), MemberRecord.class));
        }
      }
      return leavesOf(removed);
    });
  }

  /** Written only where missing, so a re-assertion never undoes a change made meanwhile by another path. */
  @Override
  public Future<List<RoomJoin>> reassert(LiveSession live) {
    return blocking(() -> {
      SessionInfo info = live.info();
      sessions.putIfAbsent(info.session(), toJson(sessionRecord(info)));
      List<RoomJoin> back = new ArrayList<>();
      for (String room : live.rooms().keySet()) {
        dev.hub.protocol.Member member = live.member(room);
        if (members.putIfAbsent(memberKey(room, info.session()), toJson(memberRecord(room, member))) == null) {
          back.add(new RoomJoin(room, member, countOf(room)));
        }
      }
      return back;
    });
  }

  /**
   * Removes the nodes that stopped vouching or whose member left the cluster, with their sessions, and any
   * session or membership older than {@code staleBefore} of a node that vouches for nothing. Only the oldest
   * member sweeps, so each leave is announced once.
   */
  @Override
  public Future<List<RoomLeave>> sweep(long staleBefore) {
    if (!isOldestMember()) {
      return Future.succeededFuture(List.of());
    }
    return blocking(() -> {
      Set<String> liveMembers = hazelcast.getCluster().getMembers().stream()
          .map(m -> m.getUuid().toString()).collect(Collectors.toSet());
      List<RoomLeave> left = new ArrayList<>();
      for (Map.Entry<String, HazelcastJsonValue> entry : nodes.entrySet()) {
        if (!liveMembers.contains(fromJson(entry.getValue(), NodeRecord.class).member())) {
          left.addAll(removeNodeNow(entry.getKey()));
        }
      }
      Set<String> vouching = new HashSet<>();
      for (Map.Entry<String, Long> entry : vouched.entrySet()) {
        if (entry.getValue() < staleBefore) {
          left.addAll(removeNodeNow(entry.getKey()));
        } else {
          vouching.add(entry.getKey());
        }
      }
      Predicate<String, HazelcastJsonValue> unvouched = vouching.isEmpty()
          ? Predicates.alwaysTrue()
          : Predicates.not(Predicates.in("node", vouching.toArray(String[]::new)));
      sessions.removeAll(Predicates.and(Predicates.lessThan("connectedAt", staleBefore), unvouched));
      left.addAll(removeMembers(Predicates.and(Predicates.lessThan("joinedAt", staleBefore), unvouched)));
      return left;
    });
  }

  /** Idempotent; the caller makes sure only one member runs it for a given node (see {@link #isOldestMember()}). */
  @Override
  public Future<List<RoomLeave>> removeNode(String node) {
    return blocking(() -> removeNodeNow(node));
  }

  private List<RoomLeave> removeNodeNow(String node) {
    nodes.delete(node);
    vouched.delete(node);
    sessions.removeAll(Predicates.equal("node", node));
    return removeMembers(Predicates.equal("node", node));
  }

  /** True on exactly one member at a time: the oldest, which does the cluster-wide cleanups. */
  public boolean isOldestMember() {
    Set<Member> all = hazelcast.getCluster().getMembers();
    return !all.isEmpty() && all.iterator().next().localMember();
  }

  @Override
  public Future<List<dev.hub.protocol.Member>> members(String room) {
    return blocking(() -> membersOf(room));
  }

  @Override
  public Future<Integer> count(String room) {
    return counts.read(room);
  }

  private int countOf(String room) {
    return members.aggregate(Aggregators.count(), Predicates.equal("room", room)).intValue();
  }

  @Override
  public Future<List<RoomCount>> rooms(String prefix, int limit) {
    return blocking(() -> {
      Predicate<String, HazelcastJsonValue> match = prefix.isEmpty()
          ? Predicates.alwaysTrue()
          : Predicates.like("room", prefix.replace("_", "\\_") + "%");
      TreeMap<String, Integer> counts = new TreeMap<>();
      for (String room : members.project(Projections.<Map.Entry<String, HazelcastJsonValue>, String>singleAttribute("room"), match)) {
        counts.merge(room, 1, Integer::sum);
      }
      return counts.entrySet().stream().limit(limit).map(e -> new RoomCount(e.getKey(), e.getValue())).toList();
    });
  }

  @Override
  public Future<UserPresence> user(String user) {
    return blocking(() -> {
      List<UserPresence.UserSession> found = new ArrayList<>();
      Map<String, Long> vouchedAt = vouched.getAll(Set.copyOf(nodes.keySet()));
      List<SessionRecord> records = sessions.values(Predicates.equal("user", user)).stream()
          .map(v -> fromJson(v, SessionRecord.class))
          .sorted(java.util.Comparator.comparingLong(SessionRecord::connectedAt)).toList();
      for (SessionRecord s : records) {
        List<String> rooms = members.values(Predicates.equal("session", s.session())).stream()
            .map(v -> fromJson(v, MemberRecord.class))
            .sorted(java.util.Comparator.comparingLong(MemberRecord::joinedAt))
            .map(MemberRecord::room).toList();
        // Alive as of its node's last vouch, or its own connect if that came later.
        found.add(new UserPresence.UserSession(s.session(), s.node(), rooms, s.connectedAt(),
            Math.max(s.connectedAt(), vouchedAt.getOrDefault(s.node(), 0L))));
      }
      return new UserPresence(user, !found.isEmpty(), found);
    });
  }

  @Override
  public Future<SessionInfo> session(String session) {
    return this.<HazelcastJsonValue>async(sessions.getAsync(session))
        .map(value -> value == null ? null : fromJson(value, SessionRecord.class).info());
  }

  @Override
  public Future<Totals> totals() {
    return blocking(() -> new Totals(nodes.size(), sessions.size(),
        sessions.aggregate(Aggregators.distinct("user")).size(),
        members.aggregate(Aggregators.distinct("room")).size()));
  }

  @Override
  public Future<List<NodeInfo>> nodes() {
    return blocking(() -> nodes.values().stream()
        .map(v -> fromJson(v, NodeRecord.class))
        .sorted(java.util.Comparator.comparing(NodeRecord::node))
        .map(n -> n.info(sessions.aggregate(Aggregators.count(), Predicates.equal("node", n.node())).intValue()))
        .toList());
  }

  private List<dev.hub.protocol.Member> membersOf(String room) {
    return members.values(Predicates.equal("room", room)).stream()
        .map(v -> fromJson(v, MemberRecord.class))
        .sorted(java.util.Comparator.comparingLong(MemberRecord::joinedAt).thenComparing(MemberRecord::session))
        .map(MemberRecord::member)
        .toList();
  }

  /**
   * Removes the matching member entries in one operation per partition, each reported once (by the call that
   * removed it) with the room's count; a dead node's thousands of members are one call, not one each. For a
   * sweep or a dead node; a single session's few go by {@link #disconnect}.
   */
  private List<RoomLeave> removeMembers(Predicate<String, HazelcastJsonValue> which) {
    List<MemberRecord> removed = new ArrayList<>();
    for (HazelcastJsonValue value : members.executeOnEntries(new TakeEntry(), which).values()) {
      if (value != null) {
        removed.add(fromJson(value, MemberRecord.class));
      }
    }
    return leavesOf(removed);
  }

  /** Each removed membership as a leave, with what its room has left. */
  private List<RoomLeave> leavesOf(List<MemberRecord> removed) {
    Map<String, Integer> remaining = new HashMap<>();
    List<RoomLeave> leaves = new ArrayList<>(removed.size());
    for (MemberRecord record : removed) {
      int left = remaining.computeIfAbsent(record.room(), this::countOf);
      leaves.add(new RoomLeave(record.room(), record.member(), left));
    }
    return leaves;
  }

  private static SessionRecord sessionRecord(SessionInfo s) {
    return new SessionRecord(s.session(), s.user(), s.node(), s.connectedAt(), s.meta());
  }

  private static MemberRecord memberRecord(String room, dev.hub.protocol.Member m) {
    return new MemberRecord(room, m.user(), m.session(), m.node(), m.joinedAt(), m.meta(), m.state());
  }

  private <T> Future<T> async(CompletionStage<T> stage) {
    return Future.fromCompletionStage(stage, vertx.getOrCreateContext());
  }

  private <T> Future<T> blocking(Callable<T> query) {
    return vertx.executeBlocking(query, false);
  }
}
