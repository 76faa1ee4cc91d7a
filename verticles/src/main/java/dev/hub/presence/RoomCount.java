package dev.hub.presence;

/** A room and its member count, as {@code GET /api/rooms} lists it. */
public record RoomCount(String room, int members) {
}
