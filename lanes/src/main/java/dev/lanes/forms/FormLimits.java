package dev.lanes.forms;

/**
 * Bounds on a parsed form. Past {@code maxParts} or {@code maxPartSize} the request fails with
 * 413; the whole body is already bounded by the server's {@code maxBodySize}, or on a route with
 * {@code RouteOptions.streamedBody} by the route's limit. Text fields are held in memory (at most
 * {@code maxParts} of {@code maxPartSize}), file parts past {@code spoolThreshold} on disk.
 *
 * <pre>{@code Form form = Form.read(req, new FormLimits(10, 2L << 30, 1 << 20)); // 2 GiB files }</pre>
 *
 * @param maxParts fields plus files (Starlette: 1000 each)
 * @param maxPartSize largest single field or file, in bytes
 * @param spoolThreshold parts larger than this go to a temporary file (Starlette: 1 MiB)
 */
public record FormLimits(int maxParts, long maxPartSize, long spoolThreshold) {
  public FormLimits {
    if (maxParts < 1 || maxPartSize < 1 || spoolThreshold < 0) {
      throw new IllegalArgumentException("form limits must be positive");
    }
  }

  /** 1000 parts, 10 MiB per part, spool past 1 MiB. */
  public static FormLimits defaults() {
    return new FormLimits(1000, 10L * 1024 * 1024, 1024 * 1024);
  }
}
