package dev.hub.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void theCeilingDoublesFromTheInitialDelayUpToTheCap() {
    Backoff backoff = new Backoff(100, 5000, new Random(1));
    assertEquals(100, backoff.ceilingMs(0));
    assertEquals(200, backoff.ceilingMs(1));
    assertEquals(400, backoff.ceilingMs(2));
    assertEquals(3200, backoff.ceilingMs(5));
    assertEquals(5000, backoff.ceilingMs(6), "6400 is past the cap");
    assertEquals(5000, backoff.ceilingMs(61));
    assertEquals(5000, backoff.ceilingMs(1000), "no overflow however many attempts");
  }

  @Test
  void everyDelayLiesFromZeroToItsAttemptsCeiling() {
    Backoff backoff = new Backoff(50, 2000, new Random(7));
    for (int attempt = 0; attempt < 12; attempt++) {
      for (int draw = 0; draw < 500; draw++) {
        long delay = backoff.delayMs(attempt);
        assertTrue(delay >= 0 && delay <= backoff.ceilingMs(attempt),
            "attempt " + attempt + ": " + delay + " outside 0.." + backoff.ceilingMs(attempt));
      }
    }
  }

  @Test
  void theJitterSpreadsACrowdOverTheWholeWindow() {
    Backoff backoff = new Backoff(1000, 1000, new Random(42));
    int[] quarters = new int[4];
    for (int draw = 0; draw < 4000; draw++) {
      quarters[(int) Math.min(3, backoff.delayMs(0) / 250)]++;
    }
    for (int quarter = 0; quarter < 4; quarter++) {
      assertTrue(quarters[quarter] > 800 && quarters[quarter] < 1200,
          "quarter " + quarter + " of the window got " + quarters[quarter] + " of 4000 clients");
    }
  }

  @Test
  void theSameSeedGivesTheSameDelays() {
    Backoff one = new Backoff(100, 5000, new Random(3));
    Backoff other = new Backoff(100, 5000, new Random(3));
    for (int attempt = 0; attempt < 10; attempt++) {
      assertEquals(one.delayMs(attempt), other.delayMs(attempt));
    }
  }

  @Test
  void refusesDelaysThatMakeNoBackoff() {
    assertThrows(IllegalArgumentException.class, () -> new Backoff(0, 100, new Random()));
    assertThrows(IllegalArgumentException.class, () -> new Backoff(200, 100, new Random()));
    assertThrows(IllegalArgumentException.class, () -> new Backoff(100, 200, new Random()).ceilingMs(-1));
  }
}
