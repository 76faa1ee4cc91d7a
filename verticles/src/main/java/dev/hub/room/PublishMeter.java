package dev.hub.room;

/** What {@link RoomPublisher} counts, for {@code /metrics}. */
public interface PublishMeter {

  void published(RoomPublisher.Source source);

  void duplicatePublish();
}
