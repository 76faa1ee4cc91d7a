package dev.hub.protocol;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A set of globs over room or event names, where {@code *} matches any run of characters, {@code :} and
 * {@code .} included: {@code batch.events} and {@code history.rooms}.
 */
public final class NameGlobs {
  private final Pattern pattern;

  public NameGlobs(List<String> globs) {
    this.pattern = globs.isEmpty() ? null : Pattern.compile(globs.stream()
        .map(NameGlobs::toRegex)
        .collect(Collectors.joining("|")));
  }

  public boolean matches(String name) {
    return pattern != null && pattern.matcher(name).matches();
  }

  /** True when no name matches. */
  public boolean isEmpty() {
    return pattern == null;
  }

  private static String toRegex(String glob) {
    StringBuilder regex = new StringBuilder("(?:");
    int start = 0;
    for (int star = glob.indexOf('*'); star >= 0; star = glob.indexOf('*', start)) {
      regex.append(Pattern.quote(glob.substring(start, star))).append(".*");
      start = star + 1;
    }
    return regex.append(Pattern.quote(glob.substring(start))).append(')').toString();
  }
}
