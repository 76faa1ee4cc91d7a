package dev.hub.config;

import java.util.List;

/**
 * Identity of this node.
 *
 * @param name the name other nodes and clients see; {@code null} means {@code <host name>:<http.port>}
 */
public record NodeConfig(String name) {

  public static NodeConfig defaults() {
    return new NodeConfig(null);
  }

  void validate(List<String> problems) {
    HubConfig.require(problems, name == null || (!name.isBlank() && name.length() <= 128),
        "node.name", "must be 1 to 128 characters");
  }
}
