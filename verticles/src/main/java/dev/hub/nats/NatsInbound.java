package dev.hub.nats;

import dev.hub.protocol.Names;
import dev.hub.room.RoomBroker;
import dev.hub.room.LocalPublisher;
import io.nats.client.Message;
import io.nats.client.MessageHandler;

/**
 * {@code <prefix>.rooms.<room>} into the room: every node subscribes to the whole prefix and delivers to its own
 * members only, so each member gets a message once, whichever node it is on. A history room's messages are the
 * exception: they must be kept once, so one node (the keeper, see {@link LocalPublisher#keeps}) keeps each, in
 * the order NATS gave them, and sends it to every node's members with its seq; the others let them pass.
 *
 * <p>Runs on jnats' dispatcher thread. It touches no Vert.x state itself: the publisher and the broker are
 * thread-safe and hand each receiver's part to that receiver's event loop.
 */
final class NatsInbound implements MessageHandler {
  private final NatsSubjects subjects;
  private final RoomBroker broker;
  private final LocalPublisher publisher;
  private final NatsMetrics metrics;

  NatsInbound(NatsSubjects subjects, RoomBroker broker, LocalPublisher publisher, NatsMetrics metrics) {
    this.subjects = subjects;
    this.broker = broker;
    this.publisher = publisher;
    this.metrics = metrics;
  }

  @Override
  public void onMessage(Message message) {
    String room = subjects.roomOf(message.getSubject());
    if (room == null || !Names.isRoom(room)) {
      metrics.dropped();
      return;
    }
    if (publisher.kept(room)) {
      if (publisher.keeps(room)) {
        InboundPayload payload = InboundPayload.decode(message.getData());
        publisher.publishKept(room, payload.event(), payload.data(), payload.id());
        metrics.received();
      }
      return;
    }
    if (!broker.hasReceivers(room)) {
      // Every node receives every room; one without members here does nothing more than this look.
      return;
    }
    InboundPayload payload = InboundPayload.decode(message.getData());
    publisher.publish(room, payload.event(), payload.data(), payload.id());
    metrics.received();
  }
}
