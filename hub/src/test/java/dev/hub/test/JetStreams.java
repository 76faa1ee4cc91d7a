package dev.hub.test;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** JetStream streams as a test's service makes and reads them: file storage, a 2-minute duplicate window. */
public final class JetStreams {

  private JetStreams() {
  }

  public static void create(Connection connection, String name, String... subjects) {
    try {
      JetStreamManagement jsm = connection.jetStreamManagement();
      jsm.addStream(StreamConfiguration.builder().name(name).subjects(subjects).storageType(StorageType.File)
          .duplicateWindow(Duration.ofMinutes(2)).build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (JetStreamApiException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every message the stream holds, in stream order; none while the server cannot say (reconnecting). */
  public static List<MessageInfo> messages(Connection connection, String name) {
    if (connection.getStatus() != Connection.Status.CONNECTED) {
      return List.of();
    }
    try {
      JetStreamManagement jsm = connection.jetStreamManagement();
      StreamState state = jsm.getStreamInfo(name).getStreamState();
      List<MessageInfo> messages = new ArrayList<>();
      for (long seq = state.getFirstSequence(); state.getMsgCount() > 0 && seq <= state.getLastSequence(); seq++) {
        messages.add(jsm.getMessage(name, seq));
      }
      return messages;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (JetStreamApiException e) {
      throw new IllegalStateException(e);
    }
  }

  /** How many messages the stream holds; -1 while the server cannot say (reconnecting after a restart). */
  public static long count(Connection connection, String name) {
    try {
      return connection.jetStreamManagement().getStreamInfo(name).getStreamState().getMsgCount();
    } catch (IOException | JetStreamApiException | IllegalStateException e) {
      return -1;
    }
  }
}
