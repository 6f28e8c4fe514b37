package dev.lanes.testing;

import dev.lanes.App;
import dev.lanes.concurrency.Lane;
import dev.lanes.concurrency.LaneStatistics;
import dev.lanes.server.Server;
import dev.lanes.server.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Serves an app on 127.0.0.1 on a free port and calls it over real sockets. Closing the client
 * stops the server and the app's lanes, and ends any request of its still in flight.
 *
 * <p>Like a browser (and Starlette's {@code TestClient}), a client keeps the cookies its responses
 * set and sends them back ({@link #cookies()}). Unlike Starlette's, it does not follow redirects
 * unless asked ({@link #followRedirects(boolean)}): a test sees the status and Location the
 * server answered. {@link #websocket(String)} opens a WebSocket session read message by message.
 *
 * <pre>{@code
 * try (TestClient client = TestClient.start(app)) {
 *   TestResponse r = client.get("/items/1");
 *   assertThat(r.status()).isEqualTo(200);
 * }
 * }</pre>
 */
public final class TestClient implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  /** Redirects followed in a row before a request fails: httpx's limit. */
  public static final int MAX_REDIRECTS = 20;

  private final Server server;
  private final HttpClient http;
  private final CookieJar cookies = new CookieJar();
  private final boolean ownsApp;
  private volatile boolean followRedirects;

  private TestClient(Server server, boolean ownsApp) {
    this.server = server;
    this.ownsApp = ownsApp;
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .cookieHandler(cookies)
        .followRedirects(HttpClient.Redirect.NEVER) // followed here: see followRedirects
        .build();
  }

  /**
   * Starts {@code app} on an ephemeral loopback port; the client closes the app too, so a test
   * that starts it again needs a new app ({@code Server.start} refuses a closed one).
   */
  public static TestClient start(App app) {
    return start(app, ServerConfig.builder().port(0).shutdownGrace(Duration.ofSeconds(5)));
  }

  /** Starts {@code app} with a config (host and port are forced to 127.0.0.1:0). */
  public static TestClient start(App app, ServerConfig.Builder config) {
    return new TestClient(Server.start(app, config.host("127.0.0.1").port(0).build()), true);
  }

  /**
   * Calls a server that is already running; closing the client leaves it running and aborts the
   * client's requests still in flight.
   */
  public static TestClient of(Server server) {
    return new TestClient(server, false);
  }

  public Server server() {
    return server;
  }

  public int port() {
    return server.port();
  }

  /**
   * Whether the requests sent from now on follow redirects (off until set): 303 becomes a GET
   * (a HEAD stays one), 301 and 302 turn a POST into a GET, 307 and 308 resend the method and
   * body, as httpx and browsers do; a request that becomes a GET drops its body and its
   * Content-Type. Only a Location on this server is followed (any other is returned as it came);
   * cookies set along the way are kept and sent. More than {@link #MAX_REDIRECTS} in a row fail
   * with an {@link AssertionError} naming them. A body given as a stream cannot be sent twice:
   * give 307/308 bodies as bytes or text.
   *
   * <pre>{@code
   * TestClient client = TestClient.start(app).followRedirects(true);
   * assertThat(client.post("/login", "user=a", "application/x-www-form-urlencoded").text()).isEqualTo("home");
   * }</pre>
   */
  public TestClient followRedirects(boolean follow) {
    this.followRedirects = follow;
    return this;
  }

  /**
   * The cookies the client holds now, name to value: every cookie a response set (by its Path,
   * Max-Age and Expires: a Max-Age=0 or a past date deletes it), sent back on the requests whose
   * path it matches, as a browser does. {@code Secure} cookies are kept but not sent (the server is
   * plain HTTP). Each client has its own.
   *
   * <pre>{@code
   * client.post("/login", "user=a", "application/x-www-form-urlencoded");
   * assertThat(client.cookies()).containsKey("session");
   * }</pre>
   */
  public Map<String, String> cookies() {
    return cookies.values();
  }

  /** The value of the cookie {@code name} the client holds (of a name on several paths, the most specific). */
  public Optional<String> cookie(String name) {
    return Optional.ofNullable(cookies.values().get(name));
  }

  /** Holds {@code name=value} for every path of this server, as if the server had set it. */
  public TestClient setCookie(String name, String value) {
    cookies.put(name, value);
    return this;
  }

  /** Drops every cookie the client holds, as a new browser would start. */
  public void clearCookies() {
    cookies.clear();
  }

  /** {@code http://127.0.0.1:<port><path>}. */
  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  public TestResponse get(String path) {
    return send(request(path).GET());
  }

  public TestResponse head(String path) {
    return send(request(path).method("HEAD", HttpRequest.BodyPublishers.noBody()));
  }

  public TestResponse delete(String path) {
    return send(request(path).DELETE());
  }

  public TestResponse post(String path, String body, String contentType) {
    return send(request(path).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
  }

  public TestResponse post(String path, byte[] body, String contentType) {
    return send(request(path).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  public TestResponse postJson(String path, String json) {
    return post(path, json, "application/json");
  }

  /** Any method with an optional body. */
  public TestResponse request(String method, String path, byte[] body) {
    return send(request(path).method(method, body.length == 0
        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  /** A request builder aimed at {@code path}, for headers this class has no shortcut for. */
  public HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(uri(path)).timeout(TIMEOUT);
  }

  /** Sends {@code request}, following its redirects if {@link #followRedirects(boolean)} says so. */
  public TestResponse send(HttpRequest.Builder request) {
    HttpRequest next = request.build();
    List<String> hops = new ArrayList<>();
    List<TestResponse> history = new ArrayList<>();
    try {
      while (true) {
        HttpResponse<byte[]> response = http.send(next, HttpResponse.BodyHandlers.ofByteArray());
        Optional<HttpRequest> redirect = followRedirects ? Redirect.next(next, response) : Optional.empty();
        if (redirect.isEmpty()) {
          return TestResponse.of(response, history);
        }
        next = hop(hops, next, response, redirect.get());
        history.add(TestResponse.of(response));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Sends without waiting, for tests that keep many requests in flight; follows redirects as {@link #send} does. */
  public CompletableFuture<TestResponse> sendAsync(HttpRequest.Builder request) {
    return sendAsync(request.build(), new ArrayList<>(), new ArrayList<>());
  }

  private CompletableFuture<TestResponse> sendAsync(HttpRequest request, List<String> hops,
      List<TestResponse> history) {
    boolean follow = followRedirects;
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).thenCompose(response -> {
      Optional<HttpRequest> redirect = follow ? Redirect.next(request, response) : Optional.empty();
      if (redirect.isEmpty()) {
        return CompletableFuture.completedFuture(TestResponse.of(response, history));
      }
      HttpRequest next = hop(hops, request, response, redirect.get());
      history.add(TestResponse.of(response));
      return sendAsync(next, hops, history);
    });
  }

  /** Counts one redirect followed; past {@link #MAX_REDIRECTS} fails naming the chain. */
  private static HttpRequest hop(List<String> hops, HttpRequest from, HttpResponse<?> response, HttpRequest to) {
    if (hops.isEmpty()) {
      hops.add(from.method() + " " + from.uri().getRawPath());
    }
    hops.add(response.statusCode() + " -> " + to.method() + " " + to.uri().getRawPath());
    if (hops.size() > MAX_REDIRECTS + 1) {
      throw new AssertionError("more than " + MAX_REDIRECTS + " redirects in a row: "
          + String.join(", ", hops.subList(0, 4)) + ", ... " + hops.get(hops.size() - 1));
    }
    return to;
  }

  /**
   * Opens a WebSocket to {@code path}, with this client's cookies; fails with an
   * {@link AssertionError} naming the status if the server refuses the upgrade.
   *
   * <pre>{@code
   * try (TestWebSocket ws = client.websocket("/ws/echo")) {
   *   ws.sendText("hi");
   *   assertThat(ws.receiveText()).isEqualTo("hi");
   * }
   * }</pre>
   */
  public TestWebSocket websocket(String path) {
    return websocket(path, builder -> { });
  }

  /**
   * As {@link #websocket(String)}, with headers or subprotocols set on the JDK's builder.
   *
   * <pre>{@code client.websocket("/ws/private", b -> b.header("X-Token", "t").subprotocols("chat"))}</pre>
   */
  public TestWebSocket websocket(String path, Consumer<WebSocket.Builder> configure) {
    WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
    configure.accept(builder);
    TestWebSocket.Inbox inbox = new TestWebSocket.Inbox();
    URI target = URI.create("ws://127.0.0.1:" + server.port() + path);
    CompletableFuture<WebSocket> pending = builder.buildAsync(target, inbox);
    try {
      WebSocket socket = pending.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      return new TestWebSocket(path, TIMEOUT, inbox, socket);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() instanceof CompletionException c && c.getCause() != null ? c.getCause() : e.getCause();
      if (cause instanceof java.net.http.WebSocketHandshakeException refused) {
        throw new AssertionError("the WebSocket upgrade to " + path + " was answered "
            + refused.getResponse().statusCode(), refused);
      }
      throw new AssertionError("could not open a WebSocket to " + path + ": " + cause, cause);
    } catch (TimeoutException e) {
      abandon(pending);
      throw new AssertionError("no answer to the WebSocket upgrade to " + path + " within " + TIMEOUT);
    } catch (InterruptedException e) {
      abandon(pending);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * Aborts the session of an upgrade given up on if it opens later, so its connection does not stay
   * open until the client closes. Not {@code cancel}: the JDK's future is a stage after the
   * handshake's, so cancelling it leaves the handshake running and, were it to succeed, drops the
   * session with its connection still open. The handshake itself ends by its request timeout
   * (the builder's connect timeout), after which the JDK closes its connection.
   */
  private static void abandon(CompletableFuture<WebSocket> pending) {
    pending.thenAccept(WebSocket::abort);
  }

  /**
   * Waits up to {@link Await#DEFAULT_TIMEOUT} until the app is idle: every lane has no task
   * holding or waiting for a token, and no background task is pending.
   *
   * <pre>{@code client.awaitIdle(); // then count what the requests left behind}</pre>
   *
   * @throws AssertionError naming each lane (and the background runner) still busy
   */
  public void awaitIdle() {
    awaitIdle(Await.DEFAULT_TIMEOUT);
  }

  /** As {@link #awaitIdle()}, waiting at most {@code timeout}. */
  public void awaitIdle(Duration timeout) {
    Await.value(timeout, this::busy, List::isEmpty,
        "every lane 0 borrowed and 0 waiting, no background task pending");
  }

  /** What keeps the app from being idle now, one entry per busy lane or runner. */
  private List<String> busy() {
    App app = server.app();
    List<String> busy = new ArrayList<>();
    for (LaneStatistics s : app.lanes().statistics()) {
      if (s.borrowed() != 0 || s.waiting() != 0) {
        busy.add("lane '" + s.name() + "': " + s.borrowed() + " borrowed, " + s.waiting()
            + " waiting");
      }
    }
    int pending = app.background().statistics().pending();
    if (pending != 0) {
      busy.add("background: " + pending + " pending");
    }
    return busy;
  }

  /**
   * Waits up to {@link Await#DEFAULT_TIMEOUT} until exactly {@code n} tasks are queued for a
   * token of the lane {@code lane}, so a test can act while they wait.
   *
   * <pre>{@code
   * client.sendAsync(client.request("/report")); // the lane's only token is taken
   * client.awaitWaiting("reports", 1);
   * }</pre>
   *
   * @throws java.util.NoSuchElementException if the app has no such lane
   * @throws AssertionError with the lane's statistics if the count is not reached
   */
  public void awaitWaiting(String lane, int n) {
    awaitWaiting(lane, n, Await.DEFAULT_TIMEOUT);
  }

  /** As {@link #awaitWaiting(String, int)}, waiting at most {@code timeout}. */
  public void awaitWaiting(String lane, int n, Duration timeout) {
    if (n < 0) {
      throw new IllegalArgumentException("waiting count must not be negative: " + n);
    }
    Lane l = server.app().lanes().get(lane);
    Await.value(timeout, l::statistics, s -> s.waiting() == n,
        n + " waiting in lane '" + lane + "'");
  }

  /**
   * Stops the server and the app's lanes (if this client started them), then ends the requests
   * still in flight: the server's drain answers or cuts them within its {@code shutdownGrace}; a
   * client of a server it did not start aborts them. Never waits on a request that does not end
   * (a stream without end, a handler a test never released), as the JDK client's own
   * {@code close()} would.
   */
  @Override
  public void close() {
    try {
      if (ownsApp) {
        try {
          server.close();
        } finally {
          server.app().close();
        }
      }
    } finally {
      http.shutdownNow(); // HttpClient.close() alone waits for every request it sent to end
      http.close();
    }
  }
}
