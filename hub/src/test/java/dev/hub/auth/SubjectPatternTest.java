package dev.hub.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** PROTOCOL.md section 6: a pattern join needs a join pattern that covers every room the pattern can match. */
class SubjectPatternTest {

  private static boolean covers(String allowed, String wanted) {
    return SubjectPattern.parse(allowed).covers(SubjectPattern.parse(wanted));
  }

  @Test
  void aGreaterThanCoversWhatFollowsItAndAStarOnlyOneToken() {
    assertTrue(covers("project.>", "project.*"));
    assertTrue(covers("project.>", "project.a.>"));
    assertTrue(covers("project.>", "project.>"));
    assertTrue(covers(">", "*.status"));
    assertTrue(covers("project.*", "project.*"));
    assertTrue(covers("*.*", "project.*"));
    assertTrue(covers("project.*", "project.a"));
    assertFalse(covers("project.*", "project.>"));
    assertFalse(covers("project.*", "project.*.x"));
    assertFalse(covers("project.a", "project.*"));
    assertFalse(covers("project.>", "project"));
    assertFalse(covers("project.>", "*.a"));
    assertFalse(covers("a.*.>", "a.>"));
  }
}
