package dev.hub.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.UncheckedIOException;

/** The one Jackson mapper of the hub: frames, HTTP bodies and cluster messages. */
public final class Json {
  /** Nesting deeper than this is refused as {@code bad_json} before it costs stack or memory. */
  public static final int MAX_NESTING = 64;

  /**
   * Reads exactly one JSON value per input: anything after it but whitespace ({@code {"type":"ping"}x}, or a
   * second object) is {@code bad_json}, not ignored.
   */
  public static final ObjectMapper MAPPER = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  static {
    MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
        .maxNestingDepth(MAX_NESTING)
        .maxNumberLength(100)
        .build());
  }

  private Json() {
  }

  /** Serialises a record or tree; a failure here is a programming error, not bad input. */
  public static String encode(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * As {@link #encode}, straight to UTF-8 bytes. An unpaired surrogate goes out escaped ({@code \\uD800}), which
   * is valid JSON and valid UTF-8.
   */
  public static byte[] encodeToUtf8(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
