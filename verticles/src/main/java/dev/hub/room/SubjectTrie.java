package dev.hub.room;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A map from subject patterns (dot-separated tokens; {@code *} matches one token, {@code >} one or more, last
 * only) to values, looked up by concrete subject: the values of every pattern that matches it, each pattern
 * once. A lookup walks at most the subject's tokens times the wildcards on its way, whatever the number of
 * patterns held, so a node with ten thousand patterns routes an event as fast as one with ten.
 *
 * <p>Writes are serialised on the trie; lookups take no lock and may run on any thread while writes happen, and
 * see each pattern either before or after a concurrent change.
 *
 * @param <V> what a pattern holds (its receivers, its sessions, its nodes); never {@code null}
 */
public final class SubjectTrie<V> {
  private static final class Node<V> {
    final ConcurrentHashMap<String, Node<V>> children = new ConcurrentHashMap<>();
    /** The value of the pattern that ends at this node. */
    volatile V value;
    /** The value of the pattern that ends with {@code >} right after this node. */
    volatile V rest;

    boolean isEmpty() {
      return value == null && rest == null && children.isEmpty();
    }
  }

  private final Node<V> root = new Node<>();
  private volatile int size;

  /** Patterns held. */
  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  /** The value of {@code pattern}, or {@code null}. */
  public V get(String pattern) {
    String[] tokens = tokens(pattern);
    Node<V> node = root;
    int last = tokens.length - 1;
    for (int i = 0; i < last; i++) {
      node = node.children.get(tokens[i]);
      if (node == null) {
        return null;
      }
    }
    if (tokens[last].equals(">")) {
      return node.rest;
    }
    Node<V> end = node.children.get(tokens[last]);
    return end == null ? null : end.value;
  }

  /**
   * Replaces the value of {@code pattern} with what {@code change} makes of it ({@code null} when absent);
   * a {@code null} result removes the pattern.
   *
   * @return the new value
   */
  public synchronized V update(String pattern, UnaryOperator<V> change) {
    String[] tokens = tokens(pattern);
    int last = tokens.length - 1;
    boolean rest = tokens[last].equals(">");
    @SuppressWarnings("unchecked")
    Node<V>[] path = new Node[tokens.length + 1];
    path[0] = root;
    int depth = rest ? last : tokens.length;
    for (int i = 0; i < depth; i++) {
      path[i + 1] = path[i].children.computeIfAbsent(tokens[i], t -> new Node<>());
    }
    Node<V> end = path[depth];
    V before = rest ? end.rest : end.value;
    V after = change.apply(before);
    if (rest) {
      end.rest = after;
    } else {
      end.value = after;
    }
    size += (after != null ? 1 : 0) - (before != null ? 1 : 0);
    for (int i = depth; i > 0 && path[i].isEmpty(); i--) {
      path[i - 1].children.remove(tokens[i - 1], path[i]);
    }
    return after;
  }

  /** Hands {@code visit} the value of each pattern that matches {@code subject}, each once. */
  public void match(String subject, Consumer<V> visit) {
    if (size == 0) {
      return;
    }
    match(root, tokens(subject), 0, visit);
  }

  /** Whether some pattern matches {@code subject}. */
  public boolean matchesAny(String subject) {
    if (size == 0) {
      return false;
    }
    boolean[] found = new boolean[1];
    match(root, tokens(subject), 0, v -> found[0] = true);
    return found[0];
  }

  private static <V> void match(Node<V> node, String[] tokens, int at, Consumer<V> visit) {
    if (at == tokens.length) {
      V value = node.value;
      if (value != null) {
        visit.accept(value);
      }
      return;
    }
    V rest = node.rest;
    if (rest != null) {
      visit.accept(rest);
    }
    Node<V> literal = node.children.get(tokens[at]);
    if (literal != null) {
      match(literal, tokens, at + 1, visit);
    }
    Node<V> star = node.children.get("*");
    if (star != null && star != literal) {
      match(star, tokens, at + 1, visit);
    }
  }

  private static String[] tokens(String subject) {
    int count = 1;
    for (int i = 0; i < subject.length(); i++) {
      if (subject.charAt(i) == '.') {
        count++;
      }
    }
    String[] tokens = new String[count];
    int start = 0;
    for (int t = 0; t < count; t++) {
      int dot = subject.indexOf('.', start);
      int end = dot < 0 ? subject.length() : dot;
      tokens[t] = subject.substring(start, end);
      start = end + 1;
    }
    return tokens;
  }
}
