package dev.hub.nats;

import java.util.List;
import java.util.Locale;

/** Server URLs of {@code nats.url} compared by host and port, as jnats names the one it connected to. */
final class ServerUrls {

  private ServerUrls() {
  }

  /** {@code servers} less those naming the same server as {@code url}. */
  static List<String> without(List<String> servers, String url) {
    return servers.stream().filter(each -> !same(each, url)).toList();
  }

  /** Whether two URLs name the same host and port ({@code nats://} and port 4222 when left out). */
  static boolean same(String a, String b) {
    return a != null && b != null && hostPort(a).equals(hostPort(b));
  }

  private static String hostPort(String url) {
    String rest = url.contains("://") ? url.substring(url.indexOf("://") + 3) : url;
    rest = rest.substring(rest.lastIndexOf('@') + 1);
    int slash = rest.indexOf('/');
    rest = (slash >= 0 ? rest.substring(0, slash) : rest).toLowerCase(Locale.ROOT);
    return rest.lastIndexOf(':') > rest.lastIndexOf(']') ? rest : rest + ":4222";
  }
}
