package dev.hub.nats;

/** Every NATS subject of PROTOCOL.md section 8, built in this one place from {@code nats.prefix}. */
public final class NatsSubjects {
  private final String prefix;
  private final String roomsHead;

  public NatsSubjects(String prefix) {
    this.prefix = prefix;
    this.roomsHead = prefix + ".rooms.";
  }

  /** {@code <prefix>.rooms.<room>}: services to the room's members. */
  public String room(String room) {
    return roomsHead + room;
  }

  /** {@code <prefix>.rooms.>}: what every node subscribes to. */
  public String allRooms() {
    return roomsHead + ">";
  }

  /** The room a {@link #room} subject names, or {@code null} for any other subject. */
  public String roomOf(String subject) {
    return subject.startsWith(roomsHead) ? subject.substring(roomsHead.length()) : null;
  }

  /** {@code <prefix>.events.<room>}: client publishes, out. */
  public String events(String room) {
    return prefix + ".events." + room;
  }

  /** {@code <prefix>.presence.<room>}: joins and leaves, out. */
  public String presence(String room) {
    return prefix + ".presence." + room;
  }

  /** {@code <prefix>.requests.<event>}: client requests, request-reply. */
  public String request(String event) {
    return prefix + ".requests." + event;
  }

  /** {@code <prefix>.dlq}: what the bridge could not deliver. */
  public String dlq() {
    return prefix + ".dlq";
  }
}
