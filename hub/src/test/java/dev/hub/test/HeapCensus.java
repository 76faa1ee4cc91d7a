package dev.hub.test;

import java.lang.management.ManagementFactory;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * Counts the live instances of a class in this JVM, as {@code jcmd PID GC.class_histogram} does: the
 * histogram is taken after a full collection, so only what something still holds is counted.
 */
public final class HeapCensus {

  private HeapCensus() {
  }

  public static long liveInstances(Class<?> type) {
    String histogram;
    try {
      histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
          new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
          new Object[] {new String[0]}, new String[] {String[].class.getName()});
    } catch (Exception e) {
      throw new IllegalStateException("no class histogram from this JVM", e);
    }
    Matcher row = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+\\d+\\s+" + Pattern.quote(type.getName()) + "\\s*$",
        Pattern.MULTILINE).matcher(histogram);
    return row.find() ? Long.parseLong(row.group(1)) : 0;
  }
}
