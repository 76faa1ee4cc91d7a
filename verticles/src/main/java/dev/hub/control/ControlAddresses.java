package dev.hub.control;

/** The event-bus address of each node's control consumer, built in this one place. */
final class ControlAddresses {

  private ControlAddresses() {
  }

  /** {@code hub.node.<node>.control}: one consumer per node, whatever its number of sessions. */
  static String of(String node) {
    return "hub.node." + node + ".control";
  }
}
