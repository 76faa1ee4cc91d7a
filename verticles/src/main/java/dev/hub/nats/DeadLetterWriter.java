package dev.hub.nats;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that writes the {@link DeadLetterFile}: what waits in its queue is appended in groups, each
 * group with one write and one {@code fsync}, so the file takes letters as fast as the disk takes bytes rather
 * than as fast as it syncs. The queue is bounded by {@code nats.dlqQueueBytes}: the bridge stops admitting
 * client publishes while it is full ({@link #hasRoom}), and the sender waits for room. A letter stays queued until
 * it is on disk; when a write fails (a folder that cannot be made, a full disk) it is tried again with backoff,
 * counted each time, and nothing is dropped.
 */
final class DeadLetterWriter implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterWriter.class);
  /** At most this many letters a group while running, so a long queue is not one huge write. */
  static final int MAX_GROUP = 4096;

  private final DeadLetterFile file;
  private final NatsMetrics metrics;
  private final long maxBytes;
  private final Backoff backoff;
  private final ArrayDeque<DeadLetter> queue = new ArrayDeque<>();
  private final List<CompletableFuture<DeadLetterFile.Aside>> asideRequests = new ArrayList<>();
  private long queuedBytes;
  private boolean closing;
  private boolean stopped;
  private int failures;

  DeadLetterWriter(DeadLetterFile file, NatsMetrics metrics, long maxBytes, Backoff backoff) {
    this.file = file;
    this.metrics = metrics;
    this.maxBytes = maxBytes;
    this.backoff = backoff;
  }

  /** Whether the queue takes more now: below its bound and not closing. */
  synchronized boolean hasRoom() {
    return !closing && queuedBytes < maxBytes;
  }

  /** Bytes waiting to be written. */
  synchronized long queuedBytes() {
    return queuedBytes;
  }

  /**
   * Queues a letter without waiting, whatever the bound (which {@link #hasRoom} applies before a publish is
   * admitted); false once closing, when the caller must log it.
   */
  synchronized boolean submit(DeadLetter letter) {
    if (closing) {
      return false;
    }
    queue.addLast(letter);
    queuedBytes += letter.size();
    notifyAll();
    return true;
  }

  /** What {@link #submitIfRoom} did with a letter. */
  enum Admission { QUEUED, FULL, CLOSING }

  /**
   * Queues a letter only while the queue is below its bound (which the letter may then pass by its own size), without
   * waiting: for what is dropped rather than refused when there is no room (presence changes).
   */
  synchronized Admission submitIfRoom(DeadLetter letter) {
    if (closing) {
      return Admission.CLOSING;
    }
    if (queuedBytes >= maxBytes) {
      return Admission.FULL;
    }
    submit(letter);
    return Admission.QUEUED;
  }

  /** Queues a letter once there is room, waiting for it; false once closing. For the sender and a replay. */
  synchronized boolean submitWhenRoom(DeadLetter letter) throws InterruptedException {
    while (!closing && queuedBytes >= maxBytes) {
      wait();
    }
    return submit(letter);
  }

  /**
   * Writes what is queued, then moves the file aside for a replay; fails when the queue cannot be written. Completes
   * with {@code null} when the file had no entries.
   */
  synchronized CompletableFuture<DeadLetterFile.Aside> moveAside() {
    CompletableFuture<DeadLetterFile.Aside> aside = new CompletableFuture<>();
    if (closing) {
      aside.completeExceptionally(new IllegalStateException("the NATS bridge is stopping"));
    } else {
      asideRequests.add(aside);
      notifyAll();
    }
    return aside;
  }

  /**
   * Adds {@code last} to the queue, writes everything in one appended, synced group and stops, waiting until
   * {@code deadlineNanos} at most.
   *
   * @return what could not be written by then (the caller logs it), in order
   */
  List<DeadLetter> close(List<DeadLetter> last, long deadlineNanos) throws InterruptedException {
    synchronized (this) {
      for (DeadLetter letter : last) {
        queue.addLast(letter);
        queuedBytes += letter.size();
      }
      closing = true;
      notifyAll();
      while (!stopped) {
        long leftMs = (deadlineNanos - System.nanoTime()) / 1_000_000;
        if (leftMs <= 0) {
          break;
        }
        wait(leftMs);
      }
      List<DeadLetter> unwritten = new ArrayList<>(queue);
      queue.clear();
      queuedBytes = 0;
      stopped = true;
      failRequests(new IllegalStateException("the NATS bridge stopped"));
      notifyAll();
      return unwritten;
    }
  }

  @Override
  public void run() {
    try {
      file.open();
    } catch (IOException | RuntimeException e) {
      // Not fatal: the first letter tries again, and its failure is what is counted.
      LOG.debug("NATS: the dead-letter file {} cannot be opened yet: {}", file.path(), e.toString());
    }
    try {
      boolean more = true;
      while (more) {
        more = writeNextGroup();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      synchronized (this) {
        stopped = true;
        notifyAll();
      }
    }
  }

  /** One round: a group written (and a waiting replay's move aside), or a wait after a failure; false when done. */
  private boolean writeNextGroup() throws InterruptedException {
    List<DeadLetter> group;
    boolean closingNow;
    synchronized (this) {
      while (queue.isEmpty() && asideRequests.isEmpty() && !closing) {
        wait();
      }
      closingNow = closing;
      if (closingNow) {
        // A replay asked for now would move the file away from the letters being handed over: refused.
        failRequests(new IllegalStateException("the NATS bridge is stopping"));
      }
      if (stopped || queue.isEmpty() && asideRequests.isEmpty()) {
        return false;
      }
      int size = closingNow ? queue.size() : Math.min(MAX_GROUP, queue.size());
      group = new ArrayList<>(size);
      var letters = queue.iterator();
      while (group.size() < size) {
        group.add(letters.next());
      }
    }
    try {
      if (!group.isEmpty()) {
        write(group);
      }
      if (replayWaiting()) {
        moveAsideNow();
      }
      failures = 0;
    } catch (IOException | RuntimeException e) {
      failed(e, group.size());
      pause(closingNow ? Math.min(backoff.delayMs(failures), 100) : backoff.delayMs(failures), closingNow);
    }
    return true;
  }

  private void write(List<DeadLetter> group) throws IOException {
    List<byte[]> lines = new ArrayList<>(group.size());
    for (DeadLetter letter : group) {
      lines.add(letter.line());
    }
    file.append(lines);
    metrics.dlqSynced();
    metrics.deadLettered("file", group.size());
    synchronized (this) {
      // Only this thread takes from the head; a closer that gave up has emptied the queue instead.
      for (DeadLetter letter : group) {
        if (queue.peekFirst() == letter) {
          queue.pollFirst();
          queuedBytes -= letter.size();
        }
      }
      notifyAll();
    }
  }

  private synchronized boolean replayWaiting() {
    return !asideRequests.isEmpty();
  }

  /** After the group before it was written: later letters start the new file. */
  private void moveAsideNow() throws IOException {
    List<CompletableFuture<DeadLetterFile.Aside>> requests;
    synchronized (this) {
      requests = new ArrayList<>(asideRequests);
      asideRequests.clear();
    }
    DeadLetterFile.Aside aside;
    try {
      aside = file.moveAside();
    } catch (IOException | RuntimeException e) {
      requests.forEach(r -> r.completeExceptionally(e));
      throw e;
    }
    // One replay takes the file; any other asking at the same moment finds it empty.
    for (int i = 0; i < requests.size(); i++) {
      requests.get(i).complete(i == 0 ? aside : null);
    }
  }

  private void failed(Exception e, int letters) {
    failures++;
    metrics.dlqWriteFailed();
    if (failures == 1) {
      LOG.error("NATS: cannot write {} dead letters to {}: {}; they stay queued and are tried again", letters,
          file.path(), e.toString());
    } else {
      LOG.debug("NATS: dead-letter write attempt {} failed: {}", failures, e.toString());
    }
    failRequests(new IllegalStateException("the dead-letter file cannot be written now: " + e.getMessage()));
  }

  private synchronized void failRequests(Exception why) {
    asideRequests.forEach(r -> r.completeExceptionally(why));
    asideRequests.clear();
  }

  /** Waits {@code ms}, or less when the writer is stopped or, while it was not, starts closing. */
  private synchronized void pause(long ms, boolean wasClosing) throws InterruptedException {
    long deadline = System.nanoTime() + ms * 1_000_000;
    while (!stopped && closing == wasClosing) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        return;
      }
      wait(left);
    }
  }
}
