package dev.hub.auth;

import io.vertx.core.Future;
import java.util.List;

/** The bans of a single node, in its memory: a restart forgets them, as it forgets everything else. */
public final class LocalBans implements BanStore {
  private final BanList bans = new BanList();

  @Override
  public Ban banOf(String user) {
    return bans.get(user);
  }

  @Override
  public Future<Ban> ban(String user, long forMs) {
    long until = System.currentTimeMillis() + forMs;
    bans.put(user, until);
    return Future.succeededFuture(new Ban(user, until));
  }

  @Override
  public Future<Boolean> lift(String user) {
    Long until = bans.remove(user);
    return Future.succeededFuture(until != null && until > System.currentTimeMillis());
  }

  @Override
  public List<Ban> list(int limit) {
    return bans.list(limit);
  }

  @Override
  public int inForce() {
    return bans.size();
  }
}
