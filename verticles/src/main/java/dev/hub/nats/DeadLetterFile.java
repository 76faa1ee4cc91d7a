package dev.hub.nats;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.node.DeadLetters;
import dev.hub.protocol.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The last resort for what the bridge could not deliver: one append-only file of JSON lines per node under
 * {@code nats.dlqDir}, each line written and forced to disk before the call returns. Blocking: call it off the
 * event loops. A replay renames the file aside (kept, never rewritten) and starts a new one.
 */
final class DeadLetterFile {
  private final Path dir;
  private final Path file;

  DeadLetterFile(Path dir, String node) {
    this.dir = dir;
    this.file = dir.resolve("dlq-" + node.replaceAll("[^A-Za-z0-9_.-]", "_") + ".jsonl");
  }

  Path path() {
    return file;
  }

  synchronized void append(JsonNode entry) {
    byte[] line = (Json.encode(entry) + "\n").getBytes(StandardCharsets.UTF_8);
    try {
      Files.createDirectories(dir);
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND)) {
        ByteBuffer buffer = ByteBuffer.wrap(line);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(false);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the dead-letter file " + file, e);
    }
  }

  /** The first {@code limit} entries and the count of all. */
  synchronized DeadLetters.Page list(int limit) {
    List<JsonNode> all = read(file);
    return new DeadLetters.Page(all.size(), List.copyOf(all.subList(0, Math.min(limit, all.size()))));
  }

  /** Every entry, the file renamed aside with the time, so the next failure starts a new one. */
  synchronized List<JsonNode> takeAll() {
    List<JsonNode> all = read(file);
    if (!all.isEmpty()) {
      Path aside = dir.resolve(file.getFileName() + ".replayed-" + System.currentTimeMillis());
      try {
        Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot move the dead-letter file aside", e);
      }
    }
    return all;
  }

  private static List<JsonNode> read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the dead-letter file " + file, e);
    }
    List<JsonNode> entries = new ArrayList<>(lines.size());
    for (String line : lines) {
      if (!line.isBlank()) {
        // A line cut short by a crash mid-write is kept as text rather than lost or fatal.
        entries.add(InboundPayload.json(line.getBytes(StandardCharsets.UTF_8)));
      }
    }
    return entries;
  }
}
