package dev.lanes.files;

import java.util.Locale;
import java.util.Map;

/** Content types by file extension, for the files servers usually serve (as nginx's mime.types, abridged). */
final class MediaTypes {
  private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
      Map.entry("html", "text/html; charset=utf-8"), Map.entry("htm", "text/html; charset=utf-8"),
      Map.entry("css", "text/css; charset=utf-8"), Map.entry("js", "text/javascript; charset=utf-8"),
      Map.entry("mjs", "text/javascript; charset=utf-8"), Map.entry("json", "application/json"),
      Map.entry("txt", "text/plain; charset=utf-8"), Map.entry("csv", "text/csv; charset=utf-8"),
      Map.entry("md", "text/markdown; charset=utf-8"), Map.entry("xml", "application/xml"),
      Map.entry("svg", "image/svg+xml"), Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"),
      Map.entry("jpeg", "image/jpeg"), Map.entry("gif", "image/gif"), Map.entry("webp", "image/webp"),
      Map.entry("ico", "image/x-icon"), Map.entry("pdf", "application/pdf"),
      Map.entry("wasm", "application/wasm"), Map.entry("woff", "font/woff"), Map.entry("woff2", "font/woff2"),
      Map.entry("mp4", "video/mp4"), Map.entry("webm", "video/webm"), Map.entry("mp3", "audio/mpeg"),
      Map.entry("zip", "application/zip"), Map.entry("gz", "application/gzip"),
      Map.entry("avif", "image/avif"), Map.entry("bmp", "image/bmp"), Map.entry("ttf", "font/ttf"),
      Map.entry("otf", "font/otf"), Map.entry("map", "application/json"),
      Map.entry("webmanifest", "application/manifest+json"), Map.entry("jsonld", "application/ld+json"),
      Map.entry("ogg", "audio/ogg"), Map.entry("oga", "audio/ogg"), Map.entry("ogv", "video/ogg"),
      Map.entry("opus", "audio/ogg"), Map.entry("wav", "audio/wav"), Map.entry("m4a", "audio/mp4"),
      Map.entry("flac", "audio/flac"), Map.entry("mov", "video/quicktime"), Map.entry("vtt", "text/vtt; charset=utf-8"),
      Map.entry("ics", "text/calendar; charset=utf-8"), Map.entry("tar", "application/x-tar"));

  private MediaTypes() {}

  static String forFileName(String name) {
    int dot = name.lastIndexOf('.');
    if (dot < 0) {
      return "application/octet-stream";
    }
    return BY_EXTENSION.getOrDefault(name.substring(dot + 1).toLowerCase(Locale.ROOT), "application/octet-stream");
  }
}
