package dev.lanes.files;

import dev.lanes.App;
import dev.lanes.concurrency.Lanes;
import dev.lanes.http.HttpException;
import dev.lanes.http.Request;
import dev.lanes.http.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Serves a directory under a URL prefix (Starlette's {@code StaticFiles}), in the {@code files}
 * lane. Nothing outside the root is ever served: {@code ..} segments (also percent-encoded ones,
 * which arrive decoded), backslashes, NUL and symlinks leading out of the root all give 404.
 * A directory is served by its index file, if one is given; asked for without its trailing
 * slash, it is redirected (307) to it first, so the index's relative links resolve inside it.
 * A site's own 404 page may answer what is not found.
 *
 * <pre>{@code StaticFiles.mount(builder, "/static", Path.of("public"), Optional.of("index.html")); }</pre>
 */
public final class StaticFiles {
  private final Path root;
  private final Optional<String> indexFile;
  private final Optional<String> notFoundPage;

  private StaticFiles(Path root, Optional<String> indexFile, Optional<String> notFoundPage) {
    this.root = root;
    this.indexFile = indexFile;
    this.notFoundPage = notFoundPage;
  }

  /**
   * Registers GET (and so HEAD) routes for {@code prefix} on {@code app}; the root must be a
   * directory. A prefix of {@code "/"} serves the whole site: mount it after the app's other GET
   * routes with templates, which it would otherwise shadow (the build says so).
   */
  public static App.Builder mount(App.Builder app, String prefix, Path root, Optional<String> indexFile) {
    return mount(app, prefix, root, indexFile, Optional.empty());
  }

  /**
   * As {@link #mount(App.Builder, String, Path, Optional)}, with the site's own 404 page
   * (Starlette's {@code StaticFiles(html=True)} and its {@code 404.html}): a file under the root,
   * sent with status 404 for whatever under the prefix is not found (without conditions or
   * ranges, which concern a 200). While that file is missing, the 404 is the plain one.
   *
   * <pre>{@code StaticFiles.mount(builder, "/", Path.of("site"), Optional.of("index.html"), Optional.of("404.html")); }</pre>
   */
  public static App.Builder mount(App.Builder app, String prefix, Path root, Optional<String> indexFile,
      Optional<String> notFoundPage) {
    if (!prefix.startsWith("/") || prefix.endsWith("/") && !prefix.equals("/")) {
      throw new IllegalArgumentException("prefix must be '/' or start and not end with '/': " + prefix);
    }
    String base = prefix.equals("/") ? "" : prefix;
    Path real;
    try {
      real = root.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException("static root does not exist: " + root, e);
    }
    if (!Files.isDirectory(real)) {
      throw new IllegalArgumentException("static root is not a directory: " + root);
    }
    StaticFiles files = new StaticFiles(real, indexFile, notFoundPage);
    app.route("GET", base + "/{path:path}", Lanes.FILES, req -> files.serve(req, req.pathParams().get("path")));
    app.route("GET", base + "/", Lanes.FILES, req -> files.serve(req, ""));
    if (!base.isEmpty() && indexFile.isPresent()) {
      // The root directory asked for without its slash, redirected as any other directory is.
      app.getAsync(base, req -> CompletableFuture.completedFuture(withSlash(req)));
    }
    return app;
  }

  private Response serve(Request request, String relative) throws IOException {
    try {
      return found(request, relative);
    } catch (HttpException e) {
      if (e.status() != 404 || notFoundPage.isEmpty()) {
        throw e;
      }
      Optional<Path> page = resolve(notFoundPage.get());
      if (page.isEmpty() || !Files.isRegularFile(page.get())) {
        throw e;
      }
      return FileResponse.page(request, page.get(), 404);
    }
  }

  private Response found(Request request, String relative) throws IOException {
    Path file = resolve(relative).orElseThrow(StaticFiles::notFound);
    if (Files.isDirectory(file)) {
      if (indexFile.isEmpty()) {
        throw notFound();
      }
      file = resolve(relative.isEmpty() ? indexFile.get() : relative + "/" + indexFile.get())
          .orElseThrow(StaticFiles::notFound);
      if (!relative.isEmpty() && !relative.endsWith("/")) {
        return withSlash(request);
      }
    }
    return FileResponse.of(request, file);
  }

  /**
   * A redirect (307, query kept) to the request's path with a slash appended: the index's
   * relative links resolve against the URL, and without the slash they would miss the directory
   * (Starlette and nginx redirect too).
   */
  private static Response withSlash(Request request) {
    String query = request.rawQuery().isEmpty() ? "" : "?" + request.rawQuery();
    return Response.status(307).withHeader("Location", request.encodedPath() + "/" + query);
  }

  /** The real path of {@code relative} under the root, or empty if it would leave the root. */
  Optional<Path> resolve(String relative) throws IOException {
    if (relative.indexOf('\\') >= 0 || relative.indexOf('\0') >= 0) {
      return Optional.empty();
    }
    for (String segment : relative.split("/", -1)) {
      if (segment.equals("..") || segment.equals(".")) {
        return Optional.empty();
      }
    }
    Path candidate = root.resolve(relative).normalize();
    if (!candidate.startsWith(root) || !Files.exists(candidate)) {
      return Optional.empty();
    }
    Path real = candidate.toRealPath(); // follows symlinks: one pointing out of the root is refused
    return real.startsWith(root) ? Optional.of(real) : Optional.empty();
  }

  private static HttpException notFound() {
    return new HttpException(404, "Not Found");
  }
}
