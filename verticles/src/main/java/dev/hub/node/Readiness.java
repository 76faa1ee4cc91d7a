package dev.hub.node;

/**
 * One line of {@code /ready}: a dependency's state.
 *
 * @param state {@code UP}, {@code DOWN} or {@code DISABLED}
 * @param reason why it is down, or {@code null}
 */
public record Readiness(String state, String reason) {
  public static final Readiness UP = new Readiness("UP", null);
  public static final Readiness DISABLED = new Readiness("DISABLED", null);

  public static Readiness down(String reason) {
    return new Readiness("DOWN", reason);
  }

  public boolean blocksTraffic() {
    return "DOWN".equals(state);
  }
}
