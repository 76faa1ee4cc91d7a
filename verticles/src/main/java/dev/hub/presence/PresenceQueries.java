package dev.hub.presence;

import dev.hub.protocol.Member;
import io.vertx.core.Future;
import java.util.List;

/** Who is connected and in which rooms, cluster-wide: the reads, for the HTTP API and {@code presence} frames. */
public interface PresenceQueries {

  Future<List<Member>> members(String room);

  Future<Integer> count(String room);

  /** Up to {@code limit} rooms whose name starts with {@code prefix}, sorted by name. */
  Future<List<RoomCount>> rooms(String prefix, int limit);

  Future<UserPresence> user(String user);

  /** A connected session, wherever it is; {@code null} when no node has it. */
  Future<SessionInfo> session(String session);

  Future<Totals> totals();

  Future<List<NodeInfo>> nodes();
}
