package dev.hub.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The routing table of patterns: {@code *} one token, {@code >} one or more, each matching pattern once. */
class SubjectTrieTest {

  private static List<String> matches(SubjectTrie<String> trie, String subject) {
    List<String> found = new ArrayList<>();
    trie.match(subject, found::add);
    found.sort(null);
    return found;
  }

  private static SubjectTrie<String> of(String... patterns) {
    SubjectTrie<String> trie = new SubjectTrie<>();
    for (String pattern : patterns) {
      trie.update(pattern, old -> pattern);
    }
    return trie;
  }

  @Test
  void aStarMatchesExactlyOneTokenAndAGreaterThanOneOrMore() {
    SubjectTrie<String> trie = of("a.*", "a.>", "*.b", ">", "a.*.c", "*");
    assertEquals(List.of(">", "a.*", "a.>"), matches(trie, "a.x"));
    assertEquals(List.of("*.b", ">", "a.*", "a.>"), matches(trie, "a.b"));
    assertEquals(List.of(">", "a.*.c", "a.>"), matches(trie, "a.x.c"));
    assertEquals(List.of(">", "a.>"), matches(trie, "a.x.y"));
    assertEquals(List.of("*", ">"), matches(trie, "a"), "a.> needs a token after a");
    assertEquals(List.of(">"), matches(trie, "b.a"));
    assertTrue(trie.matchesAny("z"));
  }

  @Test
  void removingAPatternPrunesItAndLeavesTheOthers() {
    SubjectTrie<String> trie = of("a.*.c", "a.>", "a.b");
    assertEquals(3, trie.size());
    trie.update("a.*.c", old -> null);
    trie.update("a.b", old -> null);
    assertEquals(1, trie.size());
    assertNull(trie.get("a.*.c"));
    assertEquals("a.>", trie.get("a.>"));
    assertEquals(List.of("a.>"), matches(trie, "a.x.c"));
    trie.update("a.>", old -> null);
    assertTrue(trie.isEmpty());
    assertFalse(trie.matchesAny("a.x"));
  }

  @Test
  void tenThousandPatternsStillMatchOnlyTheirOwn() {
    SubjectTrie<String> trie = new SubjectTrie<>();
    for (int i = 0; i < 10_000; i++) {
      String pattern = "p" + i + ".*";
      trie.update(pattern, old -> pattern);
    }
    assertEquals(List.of("p4711.*"), matches(trie, "p4711.x"));
    assertEquals(List.of(), matches(trie, "p4711.x.y"));
    assertEquals(List.of(), matches(trie, "q.x"));
  }
}
