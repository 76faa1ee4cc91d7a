package dev.hub.auth;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which {@code Host} a request may name (PROTOCOL.md section 6), the guard against DNS rebinding: a page whose own
 * name an attacker rebinds to 127.0.0.1 reaches a local hub as a same-origin page, with no {@code Origin} to
 * refuse, but its requests still carry its own name as {@code Host}. With auth off, a request is served only when
 * its {@code Host} is a loopback name or address ({@code localhost}, 127.0.0.0/8, {@code [::1]}) or is listed
 * in {@code http.allowedHosts}, whatever the port; with auth on the token guards the hub and any {@code Host}
 * is served. The health probes are not held to it ({@link #exempt}).
 */
public final class HostPolicy {
  /** The paths an orchestrator probes by the pod's address: they tell whether the process serves, nothing else. */
  private static final Set<String> PROBES = Set.of("/health", "/ready");

  private final boolean restricts;
  private final Set<String> names;
  private final Set<InetAddress> addresses;

  /**
   * @param allowedHosts {@code http.allowedHosts}, as {@code HttpConfig} has validated them
   * @param authEnabled whether clients must present a token
   */
  public HostPolicy(List<String> allowedHosts, boolean authEnabled) {
    this.restricts = !authEnabled;
    this.names = allowedHosts.stream().map(HostPolicy::normalized).filter(h -> address(h) == null)
        .collect(Collectors.toUnmodifiableSet());
    this.addresses = allowedHosts.stream().map(HostPolicy::normalized).map(HostPolicy::address)
        .filter(a -> a != null).collect(Collectors.toUnmodifiableSet());
  }

  /** Whether some hosts are refused; if not, every request is served whatever its {@code Host}. */
  public boolean restricts() {
    return restricts;
  }

  /** Whether a request for {@code path} is served whatever its {@code Host}: the orchestrator's probes. */
  public static boolean exempt(String path) {
    return PROBES.contains(path);
  }

  /**
   * @param host the request's {@code Host} header, port included or not; {@code null} when it sent none, which
   *     is refused while this restricts: no browser omits it, and no name then vouches for the request
   */
  public boolean allows(String host) {
    if (!restricts) {
      return true;
    }
    if (host == null) {
      return false;
    }
    String name = normalized(withoutPort(host.trim()));
    if (name.equals("localhost") || names.contains(name)) {
      return true;
    }
    InetAddress address = address(name);
    return address != null && (address.isLoopbackAddress() || addresses.contains(address));
  }

  /** {@code [::1]:8080} is {@code [::1]}, {@code a.example:80} is {@code a.example}; a bare IPv6 stays whole. */
  private static String withoutPort(String host) {
    if (host.startsWith("[")) {
      int end = host.indexOf(']');
      return end < 0 ? host : host.substring(0, end + 1);
    }
    int colon = host.indexOf(':');
    return colon >= 0 && colon == host.lastIndexOf(':') ? host.substring(0, colon) : host;
  }

  /** Lower case, without the brackets of an IPv6 literal or the final dot of an absolute name. */
  private static String normalized(String host) {
    String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (bare.endsWith(".")) {
      bare = bare.substring(0, bare.length() - 1);
    }
    return bare.toLowerCase(Locale.ROOT);
  }

  /** The address an IP literal names, without a DNS lookup; {@code null} for a name. */
  private static InetAddress address(String host) {
    return NetUtil.createInetAddressFromIpAddressString(host);
  }
}
