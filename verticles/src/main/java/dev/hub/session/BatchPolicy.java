package dev.hub.session;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Which event names are held for batching: globs where {@code *} matches any run, {@code :} and {@code .} too. */
public final class BatchPolicy {
  private final Pattern pattern;

  public BatchPolicy(List<String> globs) {
    this.pattern = globs.isEmpty() ? null : Pattern.compile(globs.stream()
        .map(BatchPolicy::toRegex)
        .collect(Collectors.joining("|")));
  }

  public boolean matches(String event) {
    return pattern != null && pattern.matcher(event).matches();
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
