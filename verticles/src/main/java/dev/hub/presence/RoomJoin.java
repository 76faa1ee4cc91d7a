package dev.hub.presence;

import dev.hub.protocol.Member;

/**
 * A membership that began (or came back).
 *
 * @param members the room's member count with it, cluster-wide
 */
public record RoomJoin(String room, Member member, int members) {
}
