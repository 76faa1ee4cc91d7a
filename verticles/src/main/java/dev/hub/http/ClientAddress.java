package dev.hub.http;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import io.vertx.core.http.HttpServerRequest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The address a request comes from, as {@code limits.connectionsPerIp} and the logs count it (PROTOCOL.md
 * section 6): the peer's, or, when the peer is one of {@code http.trustedProxies}, the last address in
 * {@code X-Forwarded-For} that is not itself a trusted proxy. Each proxy appends the address it saw, so the
 * entries right of the client's were written by trusted proxies, and whatever the client wrote itself lies
 * left of its own address, where it is never read.
 */
public final class ClientAddress {
  private static final String FORWARDED_FOR = "X-Forwarded-For";

  private final List<IpSubnetFilterRule> trusted;

  /** @param trustedProxies {@code http.trustedProxies}: CIDRs ({@code 10.0.0.0/8}) or single addresses */
  public ClientAddress(List<String> trustedProxies) {
    this.trusted = trustedProxies.stream().map(ClientAddress::rule).toList();
  }

  public String of(HttpServerRequest request) {
    String peer = request.remoteAddress().hostAddress();
    if (trusted.isEmpty() || !isTrusted(NetUtil.createInetAddressFromIpAddressString(peer))) {
      return peer;
    }
    List<String> hops = new ArrayList<>();
    for (String header : request.headers().getAll(FORWARDED_FOR)) {
      for (String hop : header.split(",")) {
        if (!hop.isBlank()) {
          hops.add(hop.trim());
        }
      }
    }
    String client = peer;
    for (int i = hops.size() - 1; i >= 0; i--) {
      InetAddress hop = address(hops.get(i));
      if (hop == null) {
        // Not an address: nothing left of it can be vouched for; the last trusted hop is the client.
        break;
      }
      client = NetUtil.toAddressString(hop);
      if (!isTrusted(hop)) {
        break;
      }
    }
    return client;
  }

  private boolean isTrusted(InetAddress address) {
    if (address == null) {
      return false;
    }
    InetSocketAddress socketAddress = new InetSocketAddress(address, 0);
    return trusted.stream().anyMatch(rule -> rule.matches(socketAddress));
  }

  /** A CIDR as {@code HttpConfig} has validated it. */
  private static IpSubnetFilterRule rule(String cidr) {
    int slash = cidr.indexOf('/');
    InetAddress address = address(slash < 0 ? cidr : cidr.substring(0, slash));
    if (address == null) {
      throw new IllegalArgumentException("http.trustedProxies: not an address: " + cidr);
    }
    int prefix = slash < 0 ? address.getAddress().length * 8 : Integer.parseInt(cidr.substring(slash + 1));
    return new IpSubnetFilterRule(address, prefix, IpFilterRuleType.ACCEPT);
  }

  /** An IP literal, in brackets or not, without a DNS lookup; {@code null} for anything else. */
  private static InetAddress address(String text) {
    String literal = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
    return NetUtil.createInetAddressFromIpAddressString(literal);
  }
}
