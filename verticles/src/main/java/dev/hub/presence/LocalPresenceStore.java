package dev.hub.presence;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.protocol.Member;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Presence of a single node, in memory. Every gateway event loop writes to it, so each operation holds the
 * store's lock for a few map operations; that is cheaper here than hopping to one owner thread.
 */
public final class LocalPresenceStore implements PresenceStore {

  private final Map<String, NodeInfo> nodes = new LinkedHashMap<>();
  private final Map<String, Long> vouchedAt = new HashMap<>();
  private final TreeMap<String, Map<String, Member>> rooms = new TreeMap<>();
  private final Map<String, Entry> sessions = new HashMap<>();
  private final Map<String, Set<String>> sessionsByUser = new HashMap<>();

  private static final class Entry {
    final SessionInfo info;
    final Set<String> rooms = new LinkedHashSet<>();

    Entry(SessionInfo info) {
      this.info = info;
    }
  }

  @Override
  public synchronized Future<Void> registerNode(NodeInfo node) {
    nodes.put(node.node(), node);
    vouchedAt.put(node.node(), System.currentTimeMillis());
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Boolean> vouch(NodeInfo node, long now) {
    return Future.succeededFuture(vouchedAt.put(node.node(), now) != null);
  }

  @Override
  public synchronized Future<Void> connect(SessionInfo session) {
    sessions.putIfAbsent(session.session(), new Entry(session));
    sessionsByUser.computeIfAbsent(session.user(), u -> new LinkedHashSet<>()).add(session.session());
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Integer> join(String room, Member member) {
    Entry entry = sessions.get(member.session());
    if (entry == null) {
      return Future.failedFuture(new IllegalStateException("session " + member.session() + " is not connected"));
    }
    entry.rooms.add(room);
    Map<String, Member> members = rooms.computeIfAbsent(room, r -> new LinkedHashMap<>());
    members.putIfAbsent(member.session(), member);
    return Future.succeededFuture(members.size());
  }

  @Override
  public synchronized Future<RoomUpdate> update(String room, String session, JsonNode state) {
    Map<String, Member> members = rooms.get(room);
    Member member = members == null ? null : members.get(session);
    if (member == null) {
      return Future.succeededFuture(null);
    }
    Member updated = member.withState(state);
    members.put(session, updated);
    return Future.succeededFuture(new RoomUpdate(room, updated, members.size()));
  }

  @Override
  public synchronized Future<RoomLeave> leave(String room, String session) {
    Entry entry = sessions.get(session);
    if (entry != null) {
      entry.rooms.remove(room);
    }
    return Future.succeededFuture(removeMember(room, session));
  }

  @Override
  public synchronized Future<List<RoomLeave>> disconnect(String session) {
    return Future.succeededFuture(removeSession(session));
  }

  @Override
  public synchronized Future<Void> unregisterNode(String node) {
    nodes.remove(node);
    vouchedAt.remove(node);
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<List<RoomJoin>> reassert(LiveSession live) {
    SessionInfo info = live.info();
    if (!sessions.containsKey(info.session())) {
      connect(info);
    }
    Entry entry = sessions.get(info.session());
    List<RoomJoin> back = new ArrayList<>();
    for (String room : live.rooms().keySet()) {
      Map<String, Member> members = rooms.computeIfAbsent(room, r -> new LinkedHashMap<>());
      if (!members.containsKey(info.session())) {
        Member member = live.member(room);
        members.put(info.session(), member);
        entry.rooms.add(room);
        back.add(new RoomJoin(room, member, members.size()));
      }
    }
    return Future.succeededFuture(back);
  }

  @Override
  public synchronized Future<List<RoomLeave>> sweep(long staleBefore) {
    List<String> stale = new ArrayList<>();
    sessions.forEach((id, entry) -> {
      Long vouched = vouchedAt.get(entry.info.node());
      if (vouched == null || vouched < staleBefore) {
        stale.add(id);
      }
    });
    List<RoomLeave> left = new ArrayList<>();
    for (String session : stale) {
      left.addAll(removeSession(session));
    }
    return Future.succeededFuture(left);
  }

  @Override
  public synchronized Future<List<RoomLeave>> removeNode(String node) {
    nodes.remove(node);
    vouchedAt.remove(node);
    List<String> gone = sessions.entrySet().stream()
        .filter(e -> e.getValue().info.node().equals(node)).map(Map.Entry::getKey).toList();
    List<RoomLeave> left = new ArrayList<>();
    for (String session : gone) {
      left.addAll(removeSession(session));
    }
    return Future.succeededFuture(left);
  }

  @Override
  public synchronized Future<List<Member>> members(String room) {
    Map<String, Member> members = rooms.get(room);
    return Future.succeededFuture(members == null ? List.of() : List.copyOf(members.values()));
  }

  @Override
  public synchronized Future<Integer> count(String room) {
    Map<String, Member> members = rooms.get(room);
    return Future.succeededFuture(members == null ? 0 : members.size());
  }

  @Override
  public synchronized Future<List<RoomCount>> rooms(String prefix, int limit) {
    List<RoomCount> page = new ArrayList<>();
    for (Map.Entry<String, Map<String, Member>> room : rooms.tailMap(prefix, true).entrySet()) {
      if (!room.getKey().startsWith(prefix) || page.size() == limit) {
        break;
      }
      page.add(new RoomCount(room.getKey(), room.getValue().size()));
    }
    return Future.succeededFuture(page);
  }

  @Override
  public synchronized Future<UserPresence> user(String user) {
    List<UserPresence.UserSession> found = new ArrayList<>();
    for (String session : sessionsByUser.getOrDefault(user, Set.of())) {
      Entry entry = sessions.get(session);
      found.add(new UserPresence.UserSession(session, entry.info.node(), List.copyOf(entry.rooms),
          entry.info.connectedAt(), Math.max(entry.info.connectedAt(),
              vouchedAt.getOrDefault(entry.info.node(), 0L))));
    }
    return Future.succeededFuture(new UserPresence(user, !found.isEmpty(), found));
  }

  @Override
  public synchronized Future<SessionInfo> session(String session) {
    Entry entry = sessions.get(session);
    return Future.succeededFuture(entry == null ? null : entry.info);
  }

  @Override
  public synchronized Future<Totals> totals() {
    return Future.succeededFuture(new Totals(nodes.size(), sessions.size(), sessionsByUser.size(), rooms.size()));
  }

  @Override
  public synchronized Future<List<NodeInfo>> nodes() {
    Map<String, Integer> connections = new HashMap<>();
    for (Entry entry : sessions.values()) {
      connections.merge(entry.info.node(), 1, Integer::sum);
    }
    List<NodeInfo> list = new ArrayList<>();
    for (NodeInfo node : nodes.values()) {
      list.add(node.withConnections(connections.getOrDefault(node.node(), 0)));
    }
    return Future.succeededFuture(list);
  }

  private List<RoomLeave> removeSession(String session) {
    Entry entry = sessions.remove(session);
    if (entry == null) {
      return List.of();
    }
    Set<String> ofUser = sessionsByUser.get(entry.info.user());
    if (ofUser != null) {
      ofUser.remove(session);
      if (ofUser.isEmpty()) {
        sessionsByUser.remove(entry.info.user());
      }
    }
    List<RoomLeave> left = new ArrayList<>(entry.rooms.size());
    for (String room : entry.rooms) {
      RoomLeave leave = removeMember(room, session);
      if (leave != null) {
        left.add(leave);
      }
    }
    return left;
  }

  private RoomLeave removeMember(String room, String session) {
    Map<String, Member> members = rooms.get(room);
    if (members == null) {
      return null;
    }
    Member member = members.remove(session);
    if (members.isEmpty()) {
      rooms.remove(room);
    }
    return member == null ? null : new RoomLeave(room, member, members.size());
  }
}
