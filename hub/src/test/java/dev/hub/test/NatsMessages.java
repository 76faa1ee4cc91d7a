package dev.hub.test;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A subscription of the test's own "service": keeps every message in arrival order; {@link #await} blocks a
 * bounded time for the first ones, {@link #first} gives them as a future for a {@code VertxTestContext} to check.
 */
public final class NatsMessages {
  /** A {@link #first} whose messages had not all come yet. */
  private record Waiter(int count, Promise<List<Message>> messages) {
  }

  private final List<Message> messages = new ArrayList<>();
  private final List<Waiter> waiters = new ArrayList<>();

  private NatsMessages() {
  }

  /** Subscribes, and returns once the server has registered the subscription. */
  public static NatsMessages subscribe(Connection connection, String subject) {
    NatsMessages collected = new NatsMessages();
    Dispatcher dispatcher = connection.createDispatcher(collected::add);
    dispatcher.subscribe(subject);
    flush(connection);
    return collected;
  }

  /** Waits until the server has seen everything this connection sent before. */
  public static void flush(Connection connection) {
    try {
      connection.flush(Duration.ofSeconds(5));
    } catch (Exception e) {
      throw new IllegalStateException("flush failed", e);
    }
  }

  private void add(Message message) {
    List<Runnable> served = new ArrayList<>();
    synchronized (messages) {
      messages.add(message);
      messages.notifyAll();
      for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
        Waiter waiter = it.next();
        if (messages.size() >= waiter.count()) {
          it.remove();
          List<Message> first = List.copyOf(messages.subList(0, waiter.count()));
          served.add(() -> waiter.messages().complete(first));
        }
      }
    }
    // Completed outside the lock: the checks a test hangs on them run here, on the jnats dispatcher's thread.
    served.forEach(Runnable::run);
  }

  /**
   * The first {@code count} messages as a future: at once when they have come, else when the last of them does.
   * It never fails by itself; the {@code VertxTestContext} that waits on it bounds the wait.
   */
  public Future<List<Message>> first(int count) {
    synchronized (messages) {
      if (messages.size() >= count) {
        return Future.succeededFuture(List.copyOf(messages.subList(0, count)));
      }
      Promise<List<Message>> first = Promise.promise();
      waiters.add(new Waiter(count, first));
      return first.future();
    }
  }

  /** The first {@code count} messages, once they have come; fails after {@link WsClient#WAIT_MS}. */
  public List<Message> await(int count) {
    return await(count, WsClient.WAIT_MS);
  }

  public List<Message> await(int count, long waitMs) {
    long deadline = System.currentTimeMillis() + waitMs;
    synchronized (messages) {
      while (messages.size() < count) {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          return fail("expected " + count + " messages within " + waitMs + " ms, got " + messages.size() + ": "
              + bodies(messages));
        }
        try {
          messages.wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return fail("interrupted");
        }
      }
      return List.copyOf(messages.subList(0, count));
    }
  }

  /** Everything received so far. */
  public List<Message> all() {
    synchronized (messages) {
      return List.copyOf(messages);
    }
  }

  public static JsonNode json(Message message) {
    return Frames.parse(new String(message.getData(), StandardCharsets.UTF_8));
  }

  private static List<String> bodies(List<Message> list) {
    List<String> bodies = new ArrayList<>();
    for (Message message : list) {
      bodies.add(message.getSubject() + " " + new String(message.getData(), StandardCharsets.UTF_8));
    }
    return bodies;
  }
}
