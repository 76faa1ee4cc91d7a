package dev.hub.auth;

/**
 * A user refused until a moment (PROTOCOL.md section 6).
 *
 * @param user the user as tokens name it ({@code sub}), or as {@code ?user=} does with auth off
 * @param until when the ban ends, epoch milliseconds of the node that took it
 */
public record Ban(String user, long until) {
}
