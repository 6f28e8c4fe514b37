package dev.lanes.internal.compression;

import java.util.Locale;
import java.util.Set;

/**
 * Which content types are worth compressing: text and the structured text formats. Everything
 * else (images, audio, video, archives, fonts, opaque bytes) is either compressed already or
 * unknown, and is sent as it is.
 */
public final class CompressibleTypes {
  private static final Set<String> APPLICATION = Set.of("json", "javascript", "ecmascript", "xml",
      "x-ndjson", "x-www-form-urlencoded", "graphql", "wasm", "x-javascript");

  // The last type tested and its answer: an app sends a handful of types, mostly the same
  // String instance, so this skips the parsing on almost every response. Shared by all threads
  // without a lock: an Answer is immutable (final fields), and a lost update only costs a parse.
  private static Answer last = new Answer("", false);

  private record Answer(String contentType, boolean compressible) {}

  private CompressibleTypes() {}

  /** Whether a body of {@code contentType} (parameters allowed) is worth compressing. */
  public static boolean test(String contentType) {
    Answer a = last;
    if (a.contentType.equals(contentType)) {
      return a.compressible;
    }
    boolean compressible = parse(contentType);
    last = new Answer(contentType, compressible);
    return compressible;
  }

  private static boolean parse(String contentType) {
    int semi = contentType.indexOf(';');
    String type = (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    int slash = type.indexOf('/');
    if (slash < 0) {
      return false;
    }
    String major = type.substring(0, slash);
    String minor = type.substring(slash + 1);
    return switch (major) {
      case "text" -> true; // text/event-stream included: each event is flushed compressed
      case "application" -> APPLICATION.contains(minor) || minor.endsWith("+json") || minor.endsWith("+xml");
      case "image" -> minor.equals("svg+xml") || minor.equals("x-icon") || minor.equals("bmp");
      default -> false;
    };
  }
}
