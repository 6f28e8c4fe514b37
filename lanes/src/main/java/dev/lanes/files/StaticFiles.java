package dev.lanes.files;

import dev.lanes.App;
import dev.lanes.Routes;
import dev.lanes.concurrency.Lanes;
import dev.lanes.http.HttpException;
import dev.lanes.http.Request;
import dev.lanes.http.Response;
import dev.lanes.internal.http.RootPathValue;
import dev.lanes.routing.AsyncHandler;
import dev.lanes.routing.BlockingHandler;
import dev.lanes.routing.Handler;
import dev.lanes.routing.RouteOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
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
 * <p>Mounted on an app or on a {@link Routes} part, which may then be included anywhere (the
 * redirect follows the request's own path, so it holds whatever prefixes end up in front), and
 * with a name, its files' URLs are built as Starlette's {@code url_for('static', path=...)}:
 *
 * <pre>{@code
 * StaticFiles.of(Path.of("public")).index("index.html").name("static").mount(builder, "/static");
 * req.urlFor("static", Map.of("path", "css/site.css"))  // http://host/static/css/site.css
 * }</pre>
 */
public final class StaticFiles {
  /** Where the routes go: an app's builder or a part, both of which take a route with options. */
  @FunctionalInterface
  private interface RouteSink {
    void add(String method, String path, RouteOptions options, Handler handler);
  }

  private final Path root;
  private final Optional<String> indexFile;
  private final Optional<String> notFoundPage;
  private final Optional<String> name;

  private StaticFiles(Path root, Optional<String> indexFile, Optional<String> notFoundPage, Optional<String> name) {
    this.root = root;
    this.indexFile = Objects.requireNonNull(indexFile, "indexFile");
    this.notFoundPage = Objects.requireNonNull(notFoundPage, "notFoundPage");
    this.name = name;
  }

  /**
   * The files under {@code root}, which must be a directory (checked now): no index file, no 404
   * page and no route name until given. A root that is a symlink is followed on each request, as
   * Starlette does: a deploy that swaps {@code current -> releases/N} is served at once.
   *
   * <pre>{@code StaticFiles.of(Path.of("public")).index("index.html").mount(part, "/assets")}</pre>
   */
  public static StaticFiles of(Path root) {
    Path real;
    try {
      real = root.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException("static root does not exist: " + root, e);
    }
    if (!Files.isDirectory(real)) {
      throw new IllegalArgumentException("static root is not a directory: " + root);
    }
    return new StaticFiles(root.toAbsolutePath(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  /**
   * These files with {@code file} (under each directory) answering for its directory; without
   * one, a directory is 404.
   *
   * <pre>{@code StaticFiles.of(Path.of("site")).index("index.html")  // GET /docs/ -> docs/index.html}</pre>
   */
  public StaticFiles index(String file) {
    return new StaticFiles(root, Optional.of(file), notFoundPage, name);
  }

  /**
   * These files with the site's own 404 page (Starlette's {@code StaticFiles(html=True)} and its
   * {@code 404.html}): {@code file} under the root, sent with status 404 for whatever under the
   * prefix is not found (without conditions or ranges, which concern a 200). While that file is
   * missing, the 404 is the plain one.
   *
   * <pre>{@code StaticFiles.of(Path.of("site")).index("index.html").notFoundPage("404.html").mount(builder, "/")}</pre>
   */
  public StaticFiles notFoundPage(String file) {
    return new StaticFiles(root, indexFile, Optional.of(file), name);
  }

  /**
   * These files with their route named {@code routeName} (Starlette's
   * {@code Mount("/static", StaticFiles(...), name="static")}): its one parameter is {@code path},
   * the file's path under the root, slashes kept and other characters percent-encoded. In a part
   * included with a namespace the name is under it ({@code "api:static"}).
   *
   * <pre>{@code app.urlPathFor("static", Map.of("path", "css/site.css"))  // "/static/css/site.css"}</pre>
   */
  public StaticFiles name(String routeName) {
    RouteOptions.defaults().name(routeName); // a blank name fails here, where it is written
    return new StaticFiles(root, indexFile, notFoundPage, Optional.of(routeName));
  }

  /**
   * Registers GET (and so HEAD) routes for {@code prefix} on {@code app}. A prefix of {@code "/"}
   * serves the whole site: mount it after the app's other GET routes with templates, which it
   * would otherwise shadow (the build says so).
   *
   * <pre>{@code StaticFiles.of(Path.of("site")).index("index.html").mount(builder, "/")}</pre>
   */
  public App.Builder mount(App.Builder app, String prefix) {
    mount(prefix, app::route);
    return app;
  }

  /**
   * Registers GET (and so HEAD) routes for {@code prefix} on {@code part}, under whatever prefixes
   * the part is then included with (and its middleware).
   *
   * <pre>{@code
   * Routes v1 = Routes.create().get("/items", h);
   * StaticFiles.of(Path.of("public")).name("static").mount(v1, "/assets");
   * App.builder().include("/v1", v1)  // GET /v1/assets/css/site.css
   * }</pre>
   */
  public Routes mount(Routes part, String prefix) {
    mount(prefix, part::route);
    return part;
  }

  /**
   * Registers GET (and so HEAD) routes for {@code prefix} on {@code app}; the root must be a
   * directory. A prefix of {@code "/"} serves the whole site: mount it after the app's other GET
   * routes with templates, which it would otherwise shadow (the build says so).
   *
   * <pre>{@code StaticFiles.mount(builder, "/static", Path.of("public"), Optional.of("index.html")); }</pre>
   */
  public static App.Builder mount(App.Builder app, String prefix, Path root, Optional<String> indexFile) {
    return mount(app, prefix, root, indexFile, Optional.empty());
  }

  /**
   * As {@link #mount(App.Builder, String, Path, Optional)}, with the site's own 404 page
   * (see {@link #notFoundPage(String)}).
   *
   * <pre>{@code StaticFiles.mount(builder, "/", Path.of("site"), Optional.of("index.html"), Optional.of("404.html")); }</pre>
   */
  public static App.Builder mount(App.Builder app, String prefix, Path root, Optional<String> indexFile,
      Optional<String> notFoundPage) {
    checkedPrefix(prefix);
    StaticFiles files = of(root);
    return new StaticFiles(files.root, indexFile, notFoundPage, Optional.empty()).mount(app, prefix);
  }

  private void mount(String prefix, RouteSink routes) {
    String base = checkedPrefix(prefix);
    RouteOptions options = RouteOptions.defaults().lane(Lanes.FILES);
    routes.add("GET", base + "/{path:path}", name.map(options::name).orElse(options),
        (BlockingHandler) req -> serve(req, req.pathParams().get("path")));
    routes.add("GET", base + "/", options, (BlockingHandler) req -> serve(req, ""));
    if (!base.isEmpty() && indexFile.isPresent()) {
      // The root directory asked for without its slash, redirected as any other directory is.
      routes.add("GET", base, RouteOptions.defaults(),
          (AsyncHandler) req -> CompletableFuture.completedFuture(withSlash(req)));
    }
  }

  /** The prefix without its trailing slash: {@code ""} for {@code "/"}. */
  private static String checkedPrefix(String prefix) {
    if (!prefix.startsWith("/") || prefix.endsWith("/") && !prefix.equals("/")) {
      throw new IllegalArgumentException("prefix must be '/' or start and not end with '/': " + prefix);
    }
    return prefix.equals("/") ? "" : prefix;
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

  private Response found(Request request, String path) throws IOException {
    // A leading slash (FastAPI's docs write url_for('static', path='/styles.css'), which builds
    // a doubled slash here) names a file under the root, as Starlette serves it, never an absolute path.
    int start = 0;
    while (start < path.length() && path.charAt(start) == '/') {
      start++;
    }
    String relative = path.substring(start);
    Path file = resolve(relative).orElseThrow(StaticFiles::notFound);
    if (Files.isDirectory(file)) {
      if (indexFile.isEmpty()) {
        throw notFound();
      }
      file = resolve(relative.isEmpty() ? indexFile.get() : relative + "/" + indexFile.get())
          .orElseThrow(StaticFiles::notFound);
      if (!relative.isEmpty() && !relative.endsWith("/")) {
        if (start > 0) {
          throw notFound(); // its redirect would keep the doubled slash: "//name/" is another host
        }
        return withSlash(request);
      }
    }
    return FileResponse.of(request, file);
  }

  /**
   * A redirect (307, query kept) to the request's path with a slash appended: the index's
   * relative links resolve against the URL, and without the slash they would miss the directory
   * (Starlette and nginx redirect too), under the request's root path.
   */
  private static Response withSlash(Request request) {
    String query = request.rawQuery().isEmpty() ? "" : "?" + request.rawQuery();
    // Under the root path if the path arrived without it: a proxy that stripped it is to see it again.
    return Response.status(307).withHeader("Location",
        RootPathValue.external(request.rootPath(), request.path(), request.encodedPath()) + "/" + query);
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
    Path base;
    try {
      base = root.toRealPath(); // now: a root link swapped by a deploy names the new directory
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    Path candidate;
    try {
      candidate = base.resolve(relative).normalize();
    } catch (InvalidPathException e) {
      return Optional.empty(); // a name the file-name encoding cannot hold (LANG=C): no such file
    }
    if (!candidate.startsWith(base) || !Files.exists(candidate)) {
      return Optional.empty();
    }
    Path real;
    try {
      real = candidate.toRealPath(); // follows symlinks: one pointing out of the root is refused
    } catch (NoSuchFileException e) {
      return Optional.empty(); // gone since it was seen (a deploy's sync), or a link naming no path
    }
    return real.startsWith(base) ? Optional.of(real) : Optional.empty();
  }

  private static HttpException notFound() {
    return new HttpException(404, "Not Found");
  }
}
