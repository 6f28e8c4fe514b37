package dev.lanes.forms;

import dev.lanes.concurrency.Concurrency;
import dev.lanes.concurrency.Lanes;
import dev.lanes.http.HttpException;
import dev.lanes.http.Params;
import dev.lanes.http.Request;
import dev.lanes.internal.concurrency.LoopBinding;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.multipart.DefaultHttpDataFactory;
import io.netty.handler.codec.http.multipart.FileUpload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A parsed {@code multipart/form-data} or {@code application/x-www-form-urlencoded} body. Parsing
 * and spooling to disk run in the {@code files} lane; temporary files are removed when the request
 * ends (response sent, error or disconnect).
 *
 * <p>Lanes splits the body itself (Netty's factory only spools file parts): Content-Type
 * parameters in any order, field names and file names as sent ({@code filename*} included). A
 * body that is not a complete multipart body of its declared boundary, or a malformed part or
 * header, is a 400 {@link HttpException} with a fixed message (an urlencoded body is read as the
 * WHATWG URL standard reads it: a '%' that starts no escape is kept as sent); a body of another
 * type (or none) a 415; past
 * {@link FormLimits} a 413; a temporary file the server cannot write a 500 (details only in the log).
 *
 * <pre>{@code
 * Form form = Form.read(req);                       // from a blocking handler
 * String title = form.fields().get("title");
 * for (UploadFile f : form.files()) { ... }
 * }</pre>
 */
public final class Form {
  // A parse's phases, for when its cleanup may run (see parse).
  private static final int PARSING = 0;
  private static final int PARSED = 1;
  private static final int CLOSED_WHILE_PARSING = 2;
  private static final Set<String> TRANSFER_ENCODINGS = Set.of("7bit", "8bit", "binary");

  private final Params fields;
  private final List<UploadFile> files;

  private Form(Params fields, List<UploadFile> files) {
    this.fields = fields;
    this.files = files;
  }

  public Params fields() {
    return fields;
  }

  public List<UploadFile> files() {
    return files;
  }

  /** The first file part named {@code field}. */
  public Optional<UploadFile> file(String field) {
    return files.stream().filter(f -> f.fieldName().equals(field)).findFirst();
  }

  /** A form with no fields and no files (what a request without a form body carries). */
  public static Form empty() {
    return new Form(Params.of("form field", Map.of()), List.of());
  }

  /** Parses the form from blocking code with default limits; never call it on an event loop. */
  public static Form read(Request request) {
    return read(request, FormLimits.defaults());
  }

  public static Form read(Request request, FormLimits limits) {
    if (LoopBinding.onLoop()) {
      throw new IllegalStateException("Form.read blocks; from an async handler use Form.readAsync");
    }
    CompletableFuture<Form> parsing = readAsync(request, limits);
    try {
      return parsing.get();
    } catch (InterruptedException e) {
      // The request was cancelled (disconnect, deadline): stop the parse and give the token back.
      parsing.cancel(true);
      Thread.currentThread().interrupt();
      throw new java.util.concurrent.CancellationException("request cancelled while reading its form");
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new CompletionException(e.getCause());
    }
  }

  /** Parses the form in the {@code files} lane; called on an event loop, the result completes back on it. */
  public static CompletableFuture<Form> readAsync(Request request) {
    return readAsync(request, FormLimits.defaults());
  }

  public static CompletableFuture<Form> readAsync(Request request, FormLimits limits) {
    return Concurrency.runBlocking(request.lanes().get(Lanes.FILES), () -> parse(request, limits));
  }

  private static Form parse(Request request, FormLimits limits) {
    String contentType = request.header("content-type").orElse("");
    int semicolon = contentType.indexOf(';');
    String media = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    boolean multipart = media.equals("multipart/form-data");
    if (!multipart && !media.equals("application/x-www-form-urlencoded")) {
      throw new HttpException(415, "expected a form (multipart/form-data or "
          + "application/x-www-form-urlencoded), got '" + contentType + "'");
    }
    // Parameters in any order, quoted or not (Netty looked for the boundary in the first two only).
    HeaderValue type = HeaderValue.parse(contentType, "the Content-Type");
    Charset charset = charset(type.params().get("charset"), "the Content-Type", StandardCharsets.UTF_8);
    if (!multipart) {
      return new Form(Params.of("form field", UrlEncoded.parse(request.body(), charset, limits)), List.of());
    }
    String boundary = type.params().get("boundary");
    if (boundary == null) {
      // Netty would read it as urlencoded and find nonsense fields; Starlette refuses it too
      throw new HttpException(400, "malformed form: multipart/form-data without a boundary parameter");
    }
    if (boundary.isEmpty()) {
      throw new HttpException(400, "malformed form: multipart/form-data with an empty boundary");
    }
    if (boundary.length() > 70) {
      // RFC 2046 5.1.1 allows 1..70 characters; a longer one only makes the search costlier
      throw new HttpException(400, "malformed form: a multipart boundary of " + boundary.length()
          + " characters (at most 70)");
    }
    // Netty's factory only spools file parts: it keys a request's temporary files by this object.
    HttpRequest carrier = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/");
    DefaultHttpDataFactory factory = new DefaultHttpDataFactory(limits.spoolThreshold());
    factory.setDeleteOnExit(false); // deleted at request end; deleteOnExit would leak a list entry per file
    // The request can end (a disconnect closes the scope from the loop) while this parse runs on
    // the files lane. Netty's factory is not thread-safe: a part released under a running parse
    // gets written again and its file outlives every list that could delete it. So the cleanup
    // runs once the parse is over: at the scope's close if the parse has ended, else by the parse
    // itself when it ends.
    Runnable cleanup = factory::cleanAllHttpData; // every temporary file of this request
    AtomicInteger phase = new AtomicInteger(PARSING);
    request.scope().onClose(() -> {
      if (!phase.compareAndSet(PARSING, CLOSED_WHILE_PARSING)) {
        cleanup.run();
      }
    });
    try {
      byte[] body = request.body();
      MultipartBody parts = new MultipartBody(body, boundary);
      Map<String, List<String>> fields = new LinkedHashMap<>();
      List<UploadFile> files = new ArrayList<>();
      for (MultipartBody.Part part = parts.next(); part != null; part = parts.next()) {
        if (part.number() > limits.maxParts()) {
          throw new HttpException(413, "too many form parts (at most " + limits.maxParts() + ")");
        }
        String disposition = part.headers().get("content-disposition");
        if (disposition == null) {
          throw new HttpException(400, "malformed form: part " + part.number() + " has no Content-Disposition header");
        }
        ContentDisposition names = ContentDisposition.parse(disposition, part.number());
        String encoding = part.headers().get("content-transfer-encoding");
        if (encoding != null && !TRANSFER_ENCODINGS.contains(encoding.toLowerCase(Locale.ROOT))) {
          // what Netty's decoder took; a base64 or quoted-printable part would be read undecoded
          throw new HttpException(400, "malformed form: part " + part.number()
              + " has an unsupported Content-Transfer-Encoding (7bit, 8bit or binary)");
        }
        String partType = part.headers().get("content-type");
        HeaderValue partMedia = partType == null ? null : HeaderValue.parse(partType, "part " + part.number() + "'s Content-Type");
        Charset partCharset = partMedia == null ? charset
            : charset(partMedia.params().get("charset"), "part " + part.number() + "'s Content-Type", charset);
        if (part.length() > limits.maxPartSize()) {
          throw new HttpException(413, "a form part is larger than " + limits.maxPartSize() + " bytes");
        }
        if (names.filename() == null) {
          fields.computeIfAbsent(names.name(), k -> new ArrayList<>())
              .add(new String(body, part.offset(), part.length(), partCharset));
          continue;
        }
        String fileType = partType == null ? "application/octet-stream" : partType.split(";", 2)[0].strip();
        // The names are kept by UploadFile as sent; Netty's data would trim them, and it refuses
        // some characters a browser does send in a file name (a backslash), so it gets neutral ones.
        FileUpload upload = factory.createFileUpload(carrier, "file", "upload", fileType,
            encoding, partCharset, part.length());
        try {
          upload.setContent(Unpooled.wrappedBuffer(body, part.offset(), part.length()));
        } catch (IOException e) {
          // the server's disk, not the client's form: a 500, the path only in the log
          throw new UncheckedIOException("could not spool a form upload to a temporary file", e);
        }
        files.add(new UploadFile(upload, names.name(), names.filename()));
      }
      return new Form(Params.of("form field", fields), List.copyOf(files));
    } finally {
      if (!phase.compareAndSet(PARSING, PARSED)) {
        cleanup.run(); // the request ended while this parse ran
      }
    }
  }

  /** The named charset, {@code otherwise} if none; an unknown one is the client's error. */
  private static Charset charset(String name, String where, Charset otherwise) {
    if (name == null) {
      return otherwise;
    }
    try {
      return Charset.forName(name);
    } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
      throw new HttpException(400, "malformed form: " + where + " has an unknown charset");
    }
  }
}
