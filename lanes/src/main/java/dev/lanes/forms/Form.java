package dev.lanes.forms;

import dev.lanes.concurrency.Concurrency;
import dev.lanes.concurrency.Lanes;
import dev.lanes.http.HttpException;
import dev.lanes.http.Params;
import dev.lanes.http.Request;
import dev.lanes.internal.concurrency.LoopBinding;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.multipart.Attribute;
import io.netty.handler.codec.http.multipart.DefaultHttpDataFactory;
import io.netty.handler.codec.http.multipart.FileUpload;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.netty.handler.codec.http.multipart.InterfaceHttpData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A parsed {@code multipart/form-data} or {@code application/x-www-form-urlencoded} body. Parsing
 * and spooling to disk run in the {@code files} lane; temporary files are removed when the request
 * ends (response sent, error or disconnect).
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
    String lower = contentType.toLowerCase(java.util.Locale.ROOT);
    if (!lower.startsWith("multipart/form-data") && !lower.startsWith("application/x-www-form-urlencoded")) {
      throw new HttpException(415, "expected a form (multipart/form-data or "
          + "application/x-www-form-urlencoded), got '" + contentType + "'");
    }
    if (lower.startsWith("multipart/form-data") && !lower.contains("boundary=")) {
      // Netty would read it as urlencoded and find nonsense fields; Starlette refuses it too
      throw new HttpException(400, "malformed form: multipart/form-data without a boundary parameter");
    }
    FullHttpRequest carrier = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/",
        Unpooled.wrappedBuffer(request.body()));
    // The media type in lower case: Netty's multipart check is case-sensitive, and would read a
    // "Multipart/Form-Data" body as urlencoded. Parameters (the boundary) keep their case.
    int semicolon = contentType.indexOf(';');
    String media = semicolon < 0 ? lower.strip() : lower.substring(0, semicolon).strip() + contentType.substring(semicolon);
    carrier.headers().set(HttpHeaderNames.CONTENT_TYPE, media);
    DefaultHttpDataFactory factory = new DefaultHttpDataFactory(limits.spoolThreshold());
    factory.setDeleteOnExit(false); // deleted at request end; deleteOnExit would leak a list entry per file
    factory.setMaxLimit(limits.maxPartSize());
    AtomicReference<HttpPostRequestDecoder> parsed = new AtomicReference<>();
    Runnable cleanup = () -> {
      try {
        HttpPostRequestDecoder d = parsed.get();
        if (d != null) {
          d.destroy(); // frees its buffer and its parts
        }
      } finally {
        factory.cleanAllHttpData(); // every temporary file of this request, however parsing ended
      }
    };
    // The request can end (a disconnect closes the scope from the loop) while this parse runs on
    // the files lane. Netty's decoder and factory are not thread-safe: a part released under a
    // running parse gets written again and its file outlives every list that could delete it.
    // So the cleanup runs once the parse is over: at the scope's close if the parse has ended,
    // else by the parse itself when it ends.
    AtomicInteger phase = new AtomicInteger(PARSING);
    request.scope().onClose(() -> {
      if (!phase.compareAndSet(PARSING, CLOSED_WHILE_PARSING)) {
        cleanup.run();
      }
    });
    try {
      // Parsing (and spooling) happens here, since the carrier holds the whole body.
      HttpPostRequestDecoder decoder = new HttpPostRequestDecoder(factory, carrier, StandardCharsets.UTF_8,
          limits.maxParts(), (int) Math.min(Integer.MAX_VALUE, limits.maxPartSize()));
      parsed.set(decoder); // it destroys itself if parsing fails in its constructor
      Map<String, List<String>> fields = new LinkedHashMap<>();
      List<UploadFile> files = new ArrayList<>();
      for (InterfaceHttpData data : decoder.getBodyHttpDatas()) {
        switch (data) {
          case FileUpload upload -> files.add(new UploadFile(upload));
          case Attribute attr -> fields.computeIfAbsent(attr.getName(), k -> new ArrayList<>()).add(attr.getValue());
          default -> { }
        }
      }
      return new Form(Params.of("form field", fields), List.copyOf(files));
    } catch (HttpPostRequestDecoder.TooLongFormFieldException e) {
      throw new HttpException(413, "a form part is larger than " + limits.maxPartSize() + " bytes");
    } catch (HttpPostRequestDecoder.TooManyFormFieldsException e) {
      throw new HttpException(413, "too many form parts (at most " + limits.maxParts() + ")");
    } catch (HttpPostRequestDecoder.ErrorDataDecoderException e) {
      if (exceedsLimit(e)) {
        throw new HttpException(413, "a form part is larger than " + limits.maxPartSize() + " bytes");
      }
      throw new HttpException(400, "malformed form: " + e.getMessage());
    } catch (IOException e) {
      if (exceedsLimit(e)) {
        throw new HttpException(413, "a form part is larger than " + limits.maxPartSize() + " bytes");
      }
      throw new HttpException(400, "unreadable form: " + e.getMessage());
    } finally {
      carrier.release();
      if (!phase.compareAndSet(PARSING, PARSED)) {
        cleanup.run(); // the request ended while this parse ran
      }
    }
  }

  /** Netty reports a part over {@code setMaxLimit} only through its message. */
  private static boolean exceedsLimit(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (String.valueOf(t.getMessage()).contains("exceed")) {
        return true;
      }
    }
    return false;
  }
}
