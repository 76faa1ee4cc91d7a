package dev.hub.app;

/** A configuration that must not start: the message is one line naming the key. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message, null, false, false);
  }
}
