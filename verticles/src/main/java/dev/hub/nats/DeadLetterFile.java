package dev.hub.nats;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.node.DeadLetters;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The last resort for what the bridge could not deliver: one append-only file of JSON lines per node under
 * {@code nats.dlqDir}. Only the {@link DeadLetterWriter}'s thread opens, appends to and moves the file; readers
 * ({@link #tail}) open it on their own and read up to what the writer last forced to disk, so neither waits for
 * the other. A replay renames the file aside (kept, never rewritten) and the next append starts a new one.
 */
final class DeadLetterFile {
  /** How much of the file a tail read takes at a time, walking back from its end. */
  private static final int TAIL_CHUNK = 64 * 1024;

  /** The file's size that is complete lines on disk, and how many lines that is. */
  private record Written(long bytes, long count) {
  }

  /** A file moved aside for a replay, and how many lines it has. */
  record Aside(Path path, long count) {
  }

  private final Path dir;
  private final Path file;
  private FileChannel channel;
  private volatile Written written;

  DeadLetterFile(Path dir, String node) {
    this.dir = dir;
    this.file = dir.resolve("dlq-" + node.replaceAll("[^A-Za-z0-9_.-]", "_") + ".jsonl");
  }

  Path path() {
    return file;
  }

  /**
   * Writer thread: opens the file for appending, creating the folder, once; counts its lines; ends a line that a
   * crash cut short, so the next entry starts on a line of its own.
   */
  void open() throws IOException {
    if (channel != null) {
      return;
    }
    Files.createDirectories(dir);
    FileChannel opened = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.READ);
    try {
      long size = opened.size();
      long lines = countLines(opened, size);
      if (size > 0 && lastByte(opened, size) != '\n') {
        write(opened, size, new byte[] {'\n'});
        opened.force(false);
        size++;
        lines++;
      }
      channel = opened;
      written = new Written(size, lines);
    } catch (IOException e) {
      opened.close();
      throw e;
    }
  }

  /** Writer thread: the lines, each ending in a newline, in one write and one {@code fsync}. */
  void append(List<byte[]> lines) throws IOException {
    open();
    int total = 0;
    for (byte[] line : lines) {
      total += line.length;
    }
    ByteBuffer group = ByteBuffer.allocate(total);
    lines.forEach(group::put);
    Written before = written;
    write(channel, before.bytes(), group.array());
    channel.force(false);
    written = new Written(before.bytes() + total, before.count() + lines.size());
  }

  /** Writer thread: renames the file aside; {@code null} when it has no entries. */
  Aside moveAside() throws IOException {
    Written now = written;
    if (channel == null || now.count() == 0) {
      return null;
    }
    Path aside = dir.resolve(file.getFileName() + ".replayed-" + System.currentTimeMillis());
    channel.close();
    channel = null;
    written = new Written(0, 0);
    Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
    return new Aside(aside, now.count());
  }

  /**
   * Any thread: the last {@code limit} entries, oldest first, and how many there are, read back from the end of
   * what was forced to disk; never the whole file.
   */
  DeadLetters.Page tail(int limit) throws IOException {
    Written now = written;
    try (FileChannel reader = FileChannel.open(file, StandardOpenOption.READ)) {
      long end = now != null ? Math.min(now.bytes(), reader.size()) : reader.size();
      long count = now != null ? now.count() : countLines(reader, end);
      return new DeadLetters.Page((int) Math.min(Integer.MAX_VALUE, count), lastLines(reader, end, limit));
    } catch (NoSuchFileException e) {
      return new DeadLetters.Page(0, List.of());
    }
  }

  /** Every non-blank line of a file moved aside, in order, without holding it all in memory. */
  static void forEachLine(Path aside, Consumer<String> line) throws IOException {
    try (BufferedReader reader = Files.newBufferedReader(aside, StandardCharsets.UTF_8)) {
      for (String each = reader.readLine(); each != null; each = reader.readLine()) {
        if (!each.isBlank()) {
          line.accept(each);
        }
      }
    }
  }

  private static List<JsonNode> lastLines(FileChannel reader, long end, int limit) throws IOException {
    ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    long start = end;
    int newlines = 0;
    // One newline more than the lines wanted: the line before it is then known to be complete or not needed.
    while (start > 0 && newlines <= limit) {
      int size = (int) Math.min(TAIL_CHUNK, start);
      start -= size;
      ByteBuffer chunk = ByteBuffer.allocate(size);
      while (chunk.hasRemaining()) {
        if (reader.read(chunk, start + chunk.position()) < 0) {
          throw new IOException("the dead-letter file shrank while it was read");
        }
      }
      for (byte b : chunk.array()) {
        newlines += b == '\n' ? 1 : 0;
      }
      chunks.addFirst(chunk.array());
    }
    ByteBuffer region = ByteBuffer.allocate((int) (end - start));
    chunks.forEach(region::put);
    String[] lines = new String(region.array(), StandardCharsets.UTF_8).split("\n");
    List<JsonNode> entries = new ArrayList<>(limit);
    int first = start > 0 ? 1 : 0;
    for (int i = Math.max(first, lines.length - limit); i < lines.length; i++) {
      if (!lines[i].isBlank()) {
        // A line that is not JSON (cut short by a crash long ago) is shown as text rather than lost or fatal.
        entries.add(InboundPayload.json(lines[i].getBytes(StandardCharsets.UTF_8)));
      }
    }
    return entries;
  }

  private static long countLines(FileChannel channel, long size) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(TAIL_CHUNK);
    long lines = 0;
    for (long position = 0; position < size; ) {
      buffer.clear();
      int read = channel.read(buffer, position);
      if (read < 0) {
        break;
      }
      for (int i = 0; i < read; i++) {
        lines += buffer.get(i) == '\n' ? 1 : 0;
      }
      position += read;
    }
    return lines;
  }

  private static byte lastByte(FileChannel channel, long size) throws IOException {
    ByteBuffer one = ByteBuffer.allocate(1);
    channel.read(one, size - 1);
    return one.get(0);
  }

  private static void write(FileChannel channel, long position, byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      channel.write(buffer, position + buffer.position());
    }
  }
}
