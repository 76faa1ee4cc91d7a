package dev.hub.session;

import dev.hub.protocol.NameGlobs;
import java.util.List;

/** Which event names are held for batching ({@code batch.events}). */
public final class BatchPolicy {
  private final NameGlobs globs;

  public BatchPolicy(List<String> globs) {
    this.globs = new NameGlobs(globs);
  }

  public boolean matches(String event) {
    return globs.matches(event);
  }
}
