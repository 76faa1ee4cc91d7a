package dev.hub.cluster;

import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.map.EntryProcessor;
import java.util.Map;

/**
 * Removes the entry it runs on and gives back what it held, on the entry's own partition: a bulk removal in
 * which each entry is reported by the one call that removed it. Every member runs the same jar, so every
 * member has this class.
 */
final class TakeEntry implements EntryProcessor<String, HazelcastJsonValue, HazelcastJsonValue> {
  private static final long serialVersionUID = 1L;

  @Override
  public HazelcastJsonValue process(Map.Entry<String, HazelcastJsonValue> entry) {
    HazelcastJsonValue value = entry.getValue();
    if (value != null) {
      entry.setValue(null);
    }
    return value;
  }
}
