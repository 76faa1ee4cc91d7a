package dev.hub.presence;

import dev.hub.protocol.Member;

/**
 * A member whose state changed.
 *
 * @param member the member with its new state
 * @param members the room's member count, cluster-wide
 */
public record RoomUpdate(String room, Member member, int members) {
}
