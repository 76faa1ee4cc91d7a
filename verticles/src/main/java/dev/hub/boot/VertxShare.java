package dev.hub.boot;

import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

/**
 * What a hub owns of the Vert.x it runs on: the whole instance when it created it, or only the verticles it
 * deployed when the instance is someone else's. {@link #release} gives back exactly that, so a hub never closes a
 * Vert.x it does not own and never leaves a verticle behind on one.
 */
final class VertxShare {
  private final Vertx vertx;
  private final boolean owned;
  /** Deployments not yet undeployed, oldest first; guarded by itself. */
  private final List<String> deployments = new ArrayList<>();

  private VertxShare(Vertx vertx, boolean owned) {
    this.vertx = vertx;
    this.owned = owned;
  }

  /** A Vert.x the hub created: releasing it closes it. */
  static VertxShare owned(Vertx vertx) {
    return new VertxShare(vertx, true);
  }

  /** A Vert.x the caller owns: releasing it undeploys the hub's verticles and leaves the rest running. */
  static VertxShare borrowed(Vertx vertx) {
    return new VertxShare(vertx, false);
  }

  Vertx vertx() {
    return vertx;
  }

  Future<String> deploy(Deployable verticle) {
    return vertx.deployVerticle(verticle).onSuccess(this::deployed);
  }

  Future<String> deploy(Supplier<? extends Deployable> verticles, DeploymentOptions options) {
    return vertx.deployVerticle(verticles, options).onSuccess(this::deployed);
  }

  Future<Void> undeploy(String deployment) {
    synchronized (deployments) {
      deployments.remove(deployment);
    }
    return vertx.undeploy(deployment);
  }

  /** Closes an owned Vert.x; on a borrowed one, undeploys what is still deployed, newest first. */
  Future<Void> release() {
    if (owned) {
      return vertx.close();
    }
    List<String> left;
    synchronized (deployments) {
      left = new ArrayList<>(deployments);
      deployments.clear();
    }
    Collections.reverse(left);
    Future<Void> undeployed = Future.succeededFuture();
    for (String deployment : left) {
      undeployed = undeployed.eventually(() -> vertx.undeploy(deployment));
    }
    return undeployed;
  }

  private void deployed(String deployment) {
    synchronized (deployments) {
      deployments.add(deployment);
    }
  }
}
