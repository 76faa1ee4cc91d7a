package dev.hub.node;

/**
 * One line of {@code /ready}: a dependency's state.
 *
 * @param state {@code UP}, {@code DOWN}, {@code DEGRADED} (not up, but not required either) or {@code DISABLED}
 * @param reason why it is not up, or {@code null}
 * @param detail more about it for {@code /ready}'s {@code details} (e.g. the NATS link), or {@code null}
 */
public record Readiness(String state, String reason, Object detail) {
  public static final Readiness UP = new Readiness("UP", null);
  public static final Readiness DISABLED = new Readiness("DISABLED", null);

  public Readiness(String state, String reason) {
    this(state, reason, null);
  }

  public static Readiness down(String reason) {
    return new Readiness("DOWN", reason);
  }

  public boolean blocksTraffic() {
    return "DOWN".equals(state);
  }
}
