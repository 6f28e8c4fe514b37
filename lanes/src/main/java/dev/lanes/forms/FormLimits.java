package dev.lanes.forms;

import dev.lanes.http.HttpException;

/**
 * Bounds on a parsed form. Past {@code maxParts}, {@code maxPartSize} or, for its text fields,
 * {@code maxFieldsSize} the request fails with 413 as soon as the body passes it; the whole body is bounded by the
 * server's {@code maxBodySize}, or on a route with {@code RouteOptions.streamedBody} by the
 * route's limit (which may be far larger: text fields are bounded by {@code maxFieldsSize} there).
 * Text fields are held in memory, file parts past {@code spoolThreshold} on disk, and so are the
 * file parts that come once those kept in memory total {@code maxFieldsSize}: a form holds at most
 * {@code maxFieldsSize} of text and as much of small files in memory, however many parts it has.
 *
 * <pre>{@code Form form = Form.read(req, new FormLimits(10, 2L << 30, 1 << 20, 64 * 1024)); // 2 GiB files, 64 KiB of fields (and of files in memory) }</pre>
 *
 * @param maxParts fields plus files (Starlette: 1000 each)
 * @param maxPartSize largest single field or file, in bytes
 * @param spoolThreshold file parts larger than this go to a temporary file (Starlette: 1 MiB)
 * @param maxFieldsSize all text fields together, names and values in bytes (an urlencoded body's
 *     pairs, decoded), past it 413; and, apart from them, all file parts kept in memory together:
 *     past it file parts go to a temporary file whatever their size
 */
public record FormLimits(int maxParts, long maxPartSize, long spoolThreshold, long maxFieldsSize) {
  /** The default {@code maxFieldsSize}: 10 MiB. */
  public static final long DEFAULT_MAX_FIELDS_SIZE = 10L * 1024 * 1024;

  public FormLimits {
    if (maxParts < 1 || maxPartSize < 1 || spoolThreshold < 0) {
      throw new IllegalArgumentException("form limits must be positive");
    }
    if (maxFieldsSize < 1) {
      throw new IllegalArgumentException("maxFieldsSize must be positive: " + maxFieldsSize);
    }
  }

  /**
   * Limits whose {@code maxFieldsSize} is {@link #DEFAULT_MAX_FIELDS_SIZE}, or
   * {@code maxParts × maxPartSize} where that is smaller (what the other two bounded before).
   *
   * <pre>{@code new FormLimits(3, 1024, 512) // maxFieldsSize 3072 }</pre>
   */
  public FormLimits(int maxParts, long maxPartSize, long spoolThreshold) {
    this(maxParts, maxPartSize, spoolThreshold, derivedFieldsSize(maxParts, maxPartSize));
  }

  /**
   * 1000 parts, 10 MiB per part, spool past 1 MiB, 10 MiB of text fields in all.
   * The last: Go's net/http's 10 MB of form text, Spring's {@code max-request-size} and our
   * {@code maxBodySize} (a form read whole is bounded as before); Jetty's 200 kB refuses long
   * texts, python-multipart and Undertow bound no total. The same 10 MiB bounds the small files
   * kept in memory (1000 of 1 MiB would be 1000 MiB), as Go's {@code ParseMultipartForm} keeps
   * files in memory up to a total and the rest on disk.
   */
  public static FormLimits defaults() {
    return new FormLimits(1000, 10L * 1024 * 1024, 1024 * 1024, DEFAULT_MAX_FIELDS_SIZE);
  }

  HttpException tooManyParts() {
    return new HttpException(413, "too many form parts (at most " + maxParts + ")");
  }

  HttpException partTooLarge() {
    return new HttpException(413, "a form part is larger than " + maxPartSize + " bytes");
  }

  HttpException fieldsTooLarge() {
    return new HttpException(413, "the form's text fields total more than " + maxFieldsSize
        + " bytes (FormLimits.maxFieldsSize)");
  }

  private static long derivedFieldsSize(int maxParts, long maxPartSize) {
    if (maxParts < 1 || maxPartSize < 1) {
      return 1; // the canonical constructor refuses them
    }
    return maxPartSize > DEFAULT_MAX_FIELDS_SIZE / maxParts ? DEFAULT_MAX_FIELDS_SIZE : maxParts * maxPartSize;
  }
}
