package dev.lanes.files;

import dev.lanes.http.HttpDate;
import dev.lanes.http.HttpException;
import dev.lanes.http.Request;
import dev.lanes.http.Response;
import dev.lanes.http.ResponseBody;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A file as a response (Starlette's {@code FileResponse}): Content-Type from the extension,
 * Content-Length, ETag and Last-Modified with conditional requests (304, and 412 for
 * {@code If-Match} and {@code If-Unmodified-Since}), single and multiple byte
 * ranges (206, 416), and zero-copy transfer of the bytes. It reads file metadata and opens the
 * file, so call it from blocking code (a blocking handler, or the {@code files} lane).
 *
 * <pre>{@code app.get("/report", req -> FileResponse.of(req, Path.of("report.pdf"))); }</pre>
 */
public final class FileResponse {
  private FileResponse() {}

  /**
   * Serves {@code file}; 404 if it is missing or not a regular file, 403 if the server may not
   * read it (a deployment mistake, shown as nginx does rather than hidden as missing).
   */
  public static Response of(Request request, Path file) {
    return of(request, file, MediaTypes.forFileName(file.getFileName().toString()));
  }

  /**
   * Serves {@code file} as a download named {@code filename} (Starlette's
   * {@code FileResponse(path, filename=...)}): {@code Content-Disposition: attachment} with that
   * name ({@link ContentDisposition}), and the Content-Type of the name's extension.
   *
   * <pre>{@code app.get("/export", req -> FileResponse.attachment(req, tmp, "données.csv")); }</pre>
   */
  public static Response attachment(Request request, Path file, String filename) {
    Response response = of(request, file, MediaTypes.forFileName(filename));
    // A 304 sends no representation metadata past its validators (RFC 9110 15.4.5).
    return response.status() == 304 ? response
        : response.withHeader("Content-Disposition", ContentDisposition.attachment(filename));
  }

  /**
   * Serves {@code file} with the given content type. The file is opened here, and the response
   * carries it open: its bytes are those of the file the headers describe, even if the path is
   * replaced or deleted before the response is sent. The request's scope closes it when the
   * exchange ends, so send the response for this request only.
   */
  public static Response of(Request request, Path file, String contentType) {
    Opened opened = open(file);
    FileChannel channel = opened.channel();
    request.scope().onClose(() -> close(channel)); // also when the response is never sent
    BasicFileAttributes attrs = opened.attrs();
    long size = attrs.size();
    Instant modified = attrs.lastModifiedTime().toInstant();
    long modifiedSecond = modified.getEpochSecond();
    // nginx's "mtime-size", with the mtime's fraction where the file system keeps one: a strong
    // tag must change with the bytes (RFC 9110 8.8.3), also for a rewrite within one second.
    String fraction = modified.getNano() == 0 ? "" : "." + Integer.toHexString(modified.getNano());
    String etag = "\"" + Long.toHexString(modifiedSecond) + fraction + "-" + Long.toHexString(size) + "\"";
    // Never later than the response's Date (RFC 9110 8.8.2.1): a file time in the future is sent
    // as now, while conditions still compare the file's own time.
    long nowSecond = Instant.now().getEpochSecond();
    long shownSecond = Math.min(modifiedSecond, nowSecond);
    String lastModified = HttpDate.format(Instant.ofEpochSecond(shownSecond));

    int precondition = precondition(request, etag, modifiedSecond, nowSecond);
    if (precondition == 304) {
      // With its 200's type and body, which a 304 never sends: by them the server tells whether
      // that 200 could have been compressed, and then says its Vary (RFC 9110 15.4.5). No
      // Last-Modified: with the ETag there, it is metadata that section says not to send.
      return Response.of(304, contentType, slice(file, 0, size, channel))
          .withHeader("ETag", revalidated(request, etag));
    }
    if (precondition == 412) {
      close(channel);
      return Response.text(412, "Precondition Failed");
    }
    // Ranges are defined for GET only; another method's Range is ignored (RFC 9110 14.2). HEAD
    // gets the head its GET would.
    boolean rangeable = request.method().equals("GET") || request.method().equals("HEAD");
    Optional<String> rangeHeader = rangeable ? request.header("range") : Optional.empty();
    if (rangeHeader.isPresent() && ifRangeHolds(request, etag, modifiedSecond, nowSecond)) {
      Optional<List<ByteRanges.Range>> ranges = ByteRanges.parse(rangeHeader.get(), size);
      if (ranges.isPresent()) {
        List<ByteRanges.Range> list = ranges.get();
        if (list.isEmpty()) {
          close(channel);
          return Response.text(416, "Range Not Satisfiable")
              .withHeader("Content-Range", "bytes */" + size).withHeader("Accept-Ranges", "bytes");
        }
        Response partial = list.size() == 1
            ? Response.of(206, contentType, slice(file, list.get(0).first(), list.get(0).length(), channel))
                .withHeader("Content-Range", "bytes " + list.get(0).first() + "-" + list.get(0).last() + "/" + size)
            : MultipartByteRanges.response(file, channel, contentType, size, list);
        return partial.withHeader("ETag", etag).withHeader("Last-Modified", lastModified)
            .withHeader("Accept-Ranges", "bytes");
      }
    }
    return Response.of(200, contentType, slice(file, 0, size, channel))
        .withHeader("ETag", etag).withHeader("Last-Modified", lastModified)
        .withHeader("Accept-Ranges", "bytes");
  }

  /**
   * {@code file} whole with {@code status} (a site's 404 page): no validators, conditions or
   * ranges, which concern a 200 (RFC 9110 13.2.1, 14.2). Closed with the request's scope.
   */
  static Response page(Request request, Path file, int status) {
    Opened opened = open(file);
    FileChannel channel = opened.channel();
    request.scope().onClose(() -> close(channel));
    return Response.of(status, MediaTypes.forFileName(file.getFileName().toString()),
        slice(file, 0, opened.attrs().size(), channel));
  }

  private record Opened(FileChannel channel, BasicFileAttributes attrs) {}

  /**
   * The file open, with the attributes of that very file: its metadata is read before and after
   * opening, and a path replaced in between (a rename over it) is opened again. 404 if it is
   * missing (also if it vanished between the two) or not a regular file (checked before opening:
   * opening a FIFO would block); 403 if it may not be read.
   */
  private static Opened open(Path file) {
    for (int attempt = 1; ; attempt++) {
      BasicFileAttributes before = regularFile(file);
      FileChannel channel;
      try {
        channel = FileChannel.open(file, StandardOpenOption.READ);
      } catch (IOException e) {
        throw unopenable(e);
      }
      try {
        BasicFileAttributes after = Files.readAttributes(file, BasicFileAttributes.class);
        if (Objects.equals(before.fileKey(), after.fileKey())
            && before.lastModifiedTime().equals(after.lastModifiedTime())
            && before.size() == after.size() && after.size() == channel.size()) {
          return new Opened(channel, after);
        }
      } catch (IOException e) {
        // gone again: the next attempt answers 404
      }
      close(channel);
      if (attempt == 3) {
        throw new HttpException(503, "Service Unavailable: the file keeps changing");
      }
    }
  }

  private static BasicFileAttributes regularFile(Path file) {
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (IOException e) {
      throw unopenable(e);
    }
    if (!attrs.isRegularFile()) {
      throw new HttpException(404, "Not Found");
    }
    return attrs;
  }

  /** 403 for a file there but not readable; 404 for any other failure, a file gone meanwhile included. */
  private static HttpException unopenable(IOException e) {
    return e instanceof AccessDeniedException
        ? new HttpException(403, "Forbidden")
        : new HttpException(404, "Not Found");
  }

  private static ResponseBody.FileRange slice(Path file, long offset, long length, FileChannel channel) {
    return new ResponseBody.FileRange(file, offset, length, Optional.of(channel));
  }

  private static void close(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // read-only: nothing to lose
    }
  }

  /**
   * The conditional headers in RFC 9110 section 13.2.2's order: {@code If-Match}, else
   * {@code If-Unmodified-Since} (412 when false), then {@code If-None-Match}, else
   * {@code If-Modified-Since} (304 for GET and HEAD); 0 when the request goes on. A field sent on
   * several lines is one list.
   */
  private static int precondition(Request request, String etag, long modifiedSecond, long nowSecond) {
    String ifMatch = joined(request, "if-match");
    if (ifMatch != null) {
      if (!etagMatches(ifMatch, etag, true)) {
        return 412;
      }
    } else {
      Optional<Instant> since = date(request, "if-unmodified-since");
      if (since.isPresent() && modifiedSecond > since.get().getEpochSecond()) {
        return 412;
      }
    }
    boolean read = request.method().equals("GET") || request.method().equals("HEAD");
    String ifNoneMatch = joined(request, "if-none-match");
    if (ifNoneMatch != null) {
      return etagMatches(ifNoneMatch, etag, false) ? (read ? 304 : 412) : 0;
    }
    // A date past the server's clock is ignored (RFC 2616 14.25; Apache): the file may yet change
    // before it, and a client whose clock runs ahead would be told "not modified" after it was.
    Optional<Instant> since = read ? date(request, "if-modified-since") : Optional.empty();
    return since.isPresent() && since.get().getEpochSecond() <= nowSecond
        && modifiedSecond <= since.get().getEpochSecond() ? 304 : 0;
  }

  /**
   * The ETag a 304 names: that of the copy the client revalidates (RFC 9110 15.4.5; RFC 9111
   * 4.3.4 selects the stored responses to update by it). A copy the server sent compressed has
   * the weak form of the file's tag; if it matched only in that form, the 304 names that form.
   */
  private static String revalidated(Request request, String etag) {
    String ifNoneMatch = joined(request, "if-none-match");
    return ifNoneMatch != null && !etagMatches(ifNoneMatch, etag, true) && etagMatches(ifNoneMatch, etag, false)
        ? "W/" + etag : etag;
  }

  /**
   * RFC 9110 13.1.5: an entity-tag holds if it is the file's (strong comparison); an HTTP-date if
   * it is exactly the Last-Modified sent and that date is strong, a second or more before the
   * Date (8.8.2.2: within its own second the file may change again with the same date).
   */
  private static boolean ifRangeHolds(Request request, String etag, long modifiedSecond, long nowSecond) {
    String ifRange = joined(request, "if-range"); // on two lines it is no one validator: false
    if (ifRange == null) {
      return true;
    }
    String v = ifRange.trim();
    if (v.startsWith("\"") || v.startsWith("W/")) {
      return v.equals(etag); // strong comparison
    }
    // Before now, the file's second is also the Last-Modified sent (a later one is sent as now).
    return modifiedSecond < nowSecond && HttpDate.parse(v).map(d -> d.getEpochSecond() == modifiedSecond).orElse(false);
  }

  /** Every line of the field {@code name} as one list, or null if the request has none. */
  private static String joined(Request request, String name) {
    List<String> lines = request.headers().all(name);
    return lines.isEmpty() ? null : lines.size() == 1 ? lines.get(0) : String.join(",", lines);
  }

  /** The date condition {@code name}; empty if absent or not one HTTP-date (two lines are a list: ignored). */
  private static Optional<Instant> date(Request request, String name) {
    return Optional.ofNullable(joined(request, name)).flatMap(HttpDate::parse);
  }

  /** RFC 9110 section 8.8.3.2: a strong comparison needs both tags strong, a weak one ignores W/. */
  private static boolean etagMatches(String header, String etag, boolean strong) {
    for (String candidate : header.split(",")) {
      String c = candidate.trim();
      if (c.equals("*") || c.equals(etag) || !strong && c.equals("W/" + etag)) {
        return true;
      }
    }
    return false;
  }
}
