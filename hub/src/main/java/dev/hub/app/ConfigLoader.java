package dev.hub.app;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.hub.config.HubConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Builds the configuration in the order DESIGN.md fixes, later winning: the defaults in code (equal to
 * {@code config/hub.yaml}), a YAML file, {@code HUB_*} environment variables, command-line flags. An unknown
 * key in the file or a bad value anywhere stops with one line naming the key; an unknown {@code HUB_*}
 * variable is only a warning, since the environment is shared with other programs.
 */
public final class ConfigLoader {
  public static final String ENV_PREFIX = "HUB_";

  private static final ObjectMapper YAML = new YAMLMapper();
  // The configuration's keys are the records' components; disabling is-getters keeps a helper such as
  // HttpConfig.isLoopback() from becoming a key.
  private static final ObjectMapper BINDER = JsonMapper.builder()
      .disable(com.fasterxml.jackson.databind.MapperFeature.AUTO_DETECT_IS_GETTERS)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .build();

  private final List<String> warnings = new ArrayList<>();

  /**
   * @param file a YAML file, or {@code null}
   * @param env the environment; only {@code HUB_*} entries are read
   * @param flags values from the command line by dotted key, e.g. {@code http.port}
   */
  public HubConfig load(Path file, Map<String, String> env, Map<String, String> flags) {
    ObjectNode tree = defaultsTree();
    if (file != null) {
      merge(tree, readFile(file), "", file.toString());
    }
    Map<String, String> keysByEnvName = new LinkedHashMap<>();
    leafKeys(tree).forEach(key -> keysByEnvName.put(envName(key), key));
    env.entrySet().stream()
        .filter(e -> e.getKey().startsWith(ENV_PREFIX))
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> {
          String key = keysByEnvName.get(e.getKey());
          if (key == null) {
            warnings.add("ignoring environment variable " + e.getKey() + ": it names no config key");
          } else {
            setText(tree, key, e.getValue(), e.getKey());
          }
        });
    flags.forEach((key, value) -> setText(tree, key, value, "--" + key));
    HubConfig config = bind(tree);
    try {
      config.validate();
    } catch (IllegalArgumentException e) {
      throw new ConfigException("config: " + e.getMessage());
    }
    return config;
  }

  /** What was ignored on the way, for the log. */
  public List<String> warnings() {
    return List.copyOf(warnings);
  }

  /** {@code heartbeat.intervalMs} becomes {@code HUB_HEARTBEAT_INTERVAL_MS}. */
  public static String envName(String key) {
    return ENV_PREFIX + Arrays.stream(key.split("\\."))
        .map(part -> part.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT))
        .collect(Collectors.joining("_"));
  }

  private static JsonNode readFile(Path file) {
    try {
      JsonNode tree = YAML.readTree(Files.readAllBytes(file));
      if (tree == null || tree.isMissingNode() || tree.isNull()) {
        return JsonNodeFactory.instance.objectNode();
      }
      if (!tree.isObject()) {
        throw new ConfigException("config " + file + ": expected a mapping of sections at the top");
      }
      return tree;
    } catch (NoSuchFileException e) {
      throw new ConfigException("config " + file + ": no such file");
    } catch (JacksonException e) {
      throw new ConfigException("config " + file + ": not valid YAML: " + e.getOriginalMessage().replace('\n', ' '));
    } catch (IOException e) {
      throw new ConfigException("config " + file + ": cannot be read: " + e.getMessage());
    }
  }

  private static void merge(ObjectNode base, JsonNode overlay, String prefix, String source) {
    Iterator<Map.Entry<String, JsonNode>> fields = overlay.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String key = prefix + field.getKey();
      JsonNode current = base.get(field.getKey());
      if (current == null) {
        throw new ConfigException("config " + source + ": unknown key '" + key + "'");
      }
      if (current.isObject()) {
        if (!field.getValue().isObject()) {
          throw new ConfigException("config " + source + ": '" + key + "' must be a section of keys");
        }
        merge((ObjectNode) current, field.getValue(), key + ".", source);
      } else {
        base.set(field.getKey(), field.getValue());
      }
    }
  }

  /** The embedded defaults as the tree every other layer is merged into; its leaves are all the keys there are. */
  static ObjectNode defaultsTree() {
    return BINDER.valueToTree(HubConfig.defaults());
  }

  /** The dotted keys of a configuration tree, e.g. {@code http.port}; a section is not a key. */
  static List<String> leafKeys(JsonNode node) {
    return leafKeys(node, "");
  }

  private static List<String> leafKeys(JsonNode node, String prefix) {
    List<String> keys = new ArrayList<>();
    node.fields().forEachRemaining(field -> {
      if (field.getValue().isObject()) {
        keys.addAll(leafKeys(field.getValue(), prefix + field.getKey() + "."));
      } else {
        keys.add(prefix + field.getKey());
      }
    });
    return keys;
  }

  private static void setText(ObjectNode tree, String key, String value, String source) {
    String[] path = key.split("\\.");
    ObjectNode section = tree;
    for (int i = 0; i < path.length - 1; i++) {
      JsonNode next = section.get(path[i]);
      if (next == null || !next.isObject()) {
        throw new ConfigException("config " + source + ": unknown key '" + key + "'");
      }
      section = (ObjectNode) next;
    }
    String leaf = path[path.length - 1];
    if (!section.has(leaf)) {
      throw new ConfigException("config " + source + ": unknown key '" + key + "'");
    }
    if (section.get(leaf).isArray()) {
      ArrayNode list = section.arrayNode();
      Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(list::add);
      section.set(leaf, list);
    } else {
      section.put(leaf, value);
    }
  }

  private static HubConfig bind(ObjectNode tree) {
    try {
      return BINDER.treeToValue(tree, HubConfig.class);
    } catch (JsonMappingException e) {
      String key = e.getPath().stream()
          .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
          .collect(Collectors.joining(".")).replace(".[", "[");
      throw new ConfigException("config: " + key + ": " + describe(e));
    } catch (JacksonException e) {
      throw new ConfigException("config: " + e.getOriginalMessage());
    }
  }

  private static String describe(JsonMappingException e) {
    String message = e.getOriginalMessage();
    if (message.contains("from String") || message.contains("Cannot coerce") || message.contains("Cannot deserialize")) {
      return "wrong type of value (" + message.replaceAll("\\s+", " ").replaceAll("\\(class [^)]*\\)", "").trim() + ")";
    }
    return message.replaceAll("\\s+", " ");
  }
}
