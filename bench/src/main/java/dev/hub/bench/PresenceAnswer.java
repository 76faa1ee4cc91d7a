package dev.hub.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * Checks an answer of {@code GET /api/rooms/{room}/presence}, {@code {"room":"R","count":N,"members":[...]}},
 * against the sessions that joined the room; a mismatch is an {@link IllegalStateException} that ends the run.
 */
final class PresenceAnswer {
  private static final byte[] SESSION_KEY = "\"session\":".getBytes(StandardCharsets.UTF_8);
  private static final String COUNT_KEY = "\"count\":";
  /** The count comes right after the room name, which is at most 128 characters. */
  private static final int COUNT_WITHIN = 200;

  private PresenceAnswer() {
  }

  /**
   * The cheap check, for every answer while latency is measured: the count, and one {@code "session"} key per
   * member, both equal to {@code joined}. Anonymous members have an empty {@code meta}, so the key occurs
   * nowhere else.
   */
  static void check(byte[] body, int joined) {
    String head = new String(body, 0, Math.min(body.length, COUNT_WITHIN), StandardCharsets.UTF_8);
    int at = head.indexOf(COUNT_KEY);
    if (at < 0) {
      throw new IllegalStateException("presence answer without a count: " + head);
    }
    int end = at + COUNT_KEY.length();
    while (end < head.length() && Character.isDigit(head.charAt(end))) {
      end++;
    }
    long count = Long.parseLong(head.substring(at + COUNT_KEY.length(), end));
    int members = occurrences(body, SESSION_KEY);
    if (count != joined || members != joined) {
      throw new IllegalStateException("presence answered count " + count + " with " + members + " members, but "
          + joined + " sessions joined the room");
    }
  }

  /** The full check, once: valid JSON whose members are {@code joined} distinct sessions, and the count. */
  static void checkFully(byte[] body, int joined) throws IOException {
    JsonNode answer = new ObjectMapper().readTree(body);
    Set<String> sessions = new HashSet<>();
    answer.path("members").forEach(member -> sessions.add(member.path("session").asText()));
    int members = answer.path("members").size();
    if (answer.path("count").asInt(-1) != joined || members != joined || sessions.size() != joined) {
      throw new IllegalStateException("presence answered count " + answer.path("count") + " with " + members
          + " members (" + sessions.size() + " distinct sessions), but " + joined + " sessions joined the room");
    }
  }

  private static int occurrences(byte[] body, byte[] key) {
    int found = 0;
    for (int i = 0; i <= body.length - key.length; i++) {
      int k = 0;
      while (k < key.length && body[i + k] == key[k]) {
        k++;
      }
      if (k == key.length) {
        found++;
        i += key.length - 1;
      }
    }
    return found;
  }
}
