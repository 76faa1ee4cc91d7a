package dev.hub.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The meters of the hooks that decide (PROTOCOL.md section 10), by hook ({@code connect}, {@code join},
 * {@code publish}, {@code request}): calls, their latency, failures by kind and the calls waiting now. All are
 * registered at start, so a hook's series exist (at 0) before its first call.
 */
public final class HookMetrics {

  /** The hooks, as their {@code hook} label names them. */
  public enum Hook { CONNECT, JOIN, PUBLISH, REQUEST }

  /**
   * Why a hook call did not let the client through: {@code timeout} (no answer within {@code hooks.timeoutMs}),
   * {@code refused} (the backend said no), {@code error} (unreachable, a bad answer, a failed future), {@code busy}
   * ({@code hooks.maxInFlight} calls were already waiting).
   */
  public enum Failure { TIMEOUT, REFUSED, ERROR, BUSY }

  private final Counter[] calls = new Counter[Hook.values().length];
  private final Timer[] latency = new Timer[Hook.values().length];
  private final Counter[][] failures = new Counter[Hook.values().length][Failure.values().length];
  private final AtomicInteger[] inFlight = new AtomicInteger[Hook.values().length];

  public HookMetrics(MeterRegistry registry) {
    for (Hook hook : Hook.values()) {
      String name = label(hook);
      int i = hook.ordinal();
      calls[i] = Counter.builder("hub.hook.calls").tag("hook", name)
          .description("Hook calls made (busy ones included)").register(registry);
      latency[i] = Timer.builder("hub.hook.latency").tag("hook", name)
          .description("Time from a hook call to its answer, timeouts included").register(registry);
      for (Failure failure : Failure.values()) {
        failures[i][failure.ordinal()] = Counter.builder("hub.hook.failures").tag("hook", name)
            .tag("kind", failure.name().toLowerCase(Locale.ROOT))
            .description("Hook calls that did not let the client through, by kind").register(registry);
      }
      inFlight[i] = new AtomicInteger();
      Gauge.builder("hub.hook.in.flight", inFlight[i], AtomicInteger::get).tag("hook", name)
          .description("Hook calls waiting for their answer now").register(registry);
    }
  }

  public void started(Hook hook) {
    calls[hook.ordinal()].increment();
    inFlight[hook.ordinal()].incrementAndGet();
  }

  /** A call that {@link #started} got its answer (or gave up) after {@code nanos}. */
  public void finished(Hook hook, long nanos) {
    inFlight[hook.ordinal()].decrementAndGet();
    latency[hook.ordinal()].record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A call refused at once, never started. */
  public void busy(Hook hook) {
    calls[hook.ordinal()].increment();
    failed(hook, Failure.BUSY);
  }

  public void failed(Hook hook, Failure failure) {
    failures[hook.ordinal()][failure.ordinal()].increment();
  }

  public static String label(Hook hook) {
    return hook.name().toLowerCase(Locale.ROOT);
  }
}
