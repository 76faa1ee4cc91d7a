package dev.hub.auth;

import java.util.Arrays;

/**
 * A room or event name pattern with NATS wildcards: {@code *} matches one dot-separated token, {@code >} the
 * rest (one token or more) and may only come last. {@code chat.*} matches {@code chat.lobby}, not
 * {@code chat.a.b}; {@code project.>} matches both {@code project.x} and {@code project.x.y}.
 */
public final class SubjectPattern {
  private final String text;
  private final String[] tokens;

  private SubjectPattern(String text, String[] tokens) {
    this.text = text;
    this.tokens = tokens;
  }

  /** @throws IllegalArgumentException for an empty token, or a {@code >} that is not the last token */
  public static SubjectPattern parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("empty pattern");
    }
    String[] tokens = text.split("\\.", -1);
    for (int i = 0; i < tokens.length; i++) {
      String token = tokens[i];
      if (token.isEmpty()) {
        throw new IllegalArgumentException("empty token in pattern '" + text + "'");
      }
      if (token.equals(">") && i != tokens.length - 1) {
        throw new IllegalArgumentException("'>' must be the last token in '" + text + "'");
      }
      if (!token.equals("*") && !token.equals(">") && (token.contains("*") || token.contains(">"))) {
        throw new IllegalArgumentException("a wildcard must be a whole token in '" + text + "'");
      }
    }
    return new SubjectPattern(text, tokens);
  }

  public boolean matches(String name) {
    String[] parts = name.split("\\.", -1);
    for (int i = 0; i < tokens.length; i++) {
      String token = tokens[i];
      if (token.equals(">")) {
        return parts.length > i;
      }
      if (i >= parts.length || parts[i].isEmpty() || !token.equals("*") && !token.equals(parts[i])) {
        return false;
      }
    }
    return parts.length == tokens.length;
  }

  /**
   * Whether every name {@code other} matches, this matches too: {@code project.>} covers {@code project.*} and
   * {@code project.a.>}; {@code project.*} does not cover {@code project.>}. A pattern without wildcards covers
   * exactly what it matches.
   */
  public boolean covers(SubjectPattern other) {
    String[] theirs = other.tokens;
    for (int i = 0; i < tokens.length; i++) {
      String token = tokens[i];
      if (token.equals(">")) {
        return theirs.length > i;
      }
      if (i >= theirs.length || theirs[i].equals(">")) {
        return false;
      }
      if (!token.equals("*") && !token.equals(theirs[i])) {
        return false;
      }
    }
    return theirs.length == tokens.length;
  }

  @Override
  public String toString() {
    return text;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SubjectPattern p && Arrays.equals(tokens, p.tokens);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(tokens);
  }
}
