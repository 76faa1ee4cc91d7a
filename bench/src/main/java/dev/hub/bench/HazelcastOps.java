package dev.hub.bench;

import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Hazelcast's own count of the operations each IMap served, read from a member's JMX beans
 * ({@code com.hazelcast:type=IMap,...}, there when the JVM runs with {@code -Dhazelcast.jmx=true}). The bench
 * attaches to the server's JVM with the JDK Attach API and starts its local management agent, so the server
 * needs no port, agent or code of its own for it, and any build of the hub is counted the same way.
 *
 * <p>The counts are the member's local statistics: each operation is counted once, by one member, so a
 * cluster's total is the sum over its members.
 */
final class HazelcastOps implements AutoCloseable {
  /**
   * JVM flags a node needs: the beans, and statistics fresh to the second rather than cached for Hazelcast's
   * default 5 s.
   */
  static final List<String> JVM_FLAGS = List.of("-Dhazelcast.jmx=true",
      "-Dhazelcast.jmx.update.interval.seconds=1");

  /** Operation counters of one map, cumulative since the member started. */
  record MapCounts(long puts, long sets, long gets, long removes, long others, long events) {
    static final MapCounts ZERO = new MapCounts(0, 0, 0, 0, 0, 0);

    /** Puts, sets, gets, removes and other operations; events (to listeners) are not requests. */
    long operations() {
      return puts + sets + gets + removes + others;
    }

    MapCounts plus(MapCounts o) {
      return new MapCounts(puts + o.puts, sets + o.sets, gets + o.gets, removes + o.removes, others + o.others,
          events + o.events);
    }

    MapCounts minus(MapCounts o) {
      return new MapCounts(puts - o.puts, sets - o.sets, gets - o.gets, removes - o.removes, others - o.others,
          events - o.events);
    }
  }

  private final JMXConnector connector;
  private final MBeanServerConnection beans;

  private HazelcastOps(JMXConnector connector) throws IOException {
    this.connector = connector;
    this.beans = connector.getMBeanServerConnection();
  }

  /** Attaches to the JVM {@code pid} and connects to its platform MBean server. */
  static HazelcastOps attach(long pid) {
    try {
      VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
      String address;
      try {
        address = vm.startLocalManagementAgent();
      } finally {
        vm.detach();
      }
      return new HazelcastOps(JMXConnectorFactory.connect(new JMXServiceURL(address)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (com.sun.tools.attach.AttachNotSupportedException e) {
      throw new IllegalStateException("cannot attach to JVM " + pid, e);
    }
  }

  /** Every IMap of the member by name, with its counters now. */
  Map<String, MapCounts> maps() {
    try {
      Map<String, MapCounts> maps = new TreeMap<>();
      for (ObjectName map : beans.queryNames(new ObjectName("com.hazelcast:type=IMap,*"), null)) {
        maps.put(mapName(map), new MapCounts(
            count(map, "localPutOperationCount"), count(map, "localSetOperationCount"),
            count(map, "localGetOperationCount"), count(map, "localRemoveOperationCount"),
            count(map, "localOtherOperationCount"), count(map, "localEventOperationCount")));
      }
      return maps;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (javax.management.JMException e) {
      throw new IllegalStateException("reading Hazelcast's map beans failed", e);
    }
  }

  /** The map's name; Hazelcast quotes names with characters that object names reserve. */
  private static String mapName(ObjectName bean) {
    String name = bean.getKeyProperty("name");
    return name.startsWith("\"") ? ObjectName.unquote(name) : name;
  }

  private long count(ObjectName map, String attribute) throws IOException, javax.management.JMException {
    return ((Number) beans.getAttribute(map, attribute)).longValue();
  }

  /** The per-map sum over several members' readings. */
  static Map<String, MapCounts> sum(List<Map<String, MapCounts>> members) {
    Map<String, MapCounts> total = new TreeMap<>();
    members.forEach(member -> member.forEach((name, counts) -> total.merge(name, counts, MapCounts::plus)));
    return total;
  }

  /** What each map served between two readings. */
  static Map<String, MapCounts> delta(Map<String, MapCounts> before, Map<String, MapCounts> after) {
    Map<String, MapCounts> delta = new TreeMap<>();
    after.forEach((name, counts) -> delta.put(name, counts.minus(before.getOrDefault(name, MapCounts.ZERO))));
    return delta;
  }

  @Override
  public void close() {
    try {
      connector.close();
    } catch (IOException e) {
      System.err.println("closing a JMX connection failed: " + e.getMessage());
    }
  }
}
