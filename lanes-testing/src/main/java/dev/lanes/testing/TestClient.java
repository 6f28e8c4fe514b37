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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Serves an app on 127.0.0.1 on a free port and calls it over real sockets. Closing the client
 * stops the server and the app's lanes, and ends any request of its still in flight.
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

  private final Server server;
  private final HttpClient http;
  private final boolean ownsApp;

  private TestClient(Server server, boolean ownsApp) {
    this.server = server;
    this.ownsApp = ownsApp;
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
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

  public TestResponse send(HttpRequest.Builder request) {
    try {
      return TestResponse.of(http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Sends without waiting, for tests that keep many requests in flight. */
  public CompletableFuture<TestResponse> sendAsync(HttpRequest.Builder request) {
    return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(TestResponse::of);
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
