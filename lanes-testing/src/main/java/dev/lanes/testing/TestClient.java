package dev.lanes.testing;

import dev.lanes.App;
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
import java.util.concurrent.CompletableFuture;

/**
 * Serves an app on 127.0.0.1 on a free port and calls it over real sockets. Closing the client
 * stops the server and the app's lanes.
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

  /** Starts {@code app} on an ephemeral loopback port; the client closes the app too. */
  public static TestClient start(App app) {
    return start(app, ServerConfig.builder().port(0).shutdownGrace(Duration.ofSeconds(5)));
  }

  /** Starts {@code app} with a config (host and port are forced to 127.0.0.1:0). */
  public static TestClient start(App app, ServerConfig.Builder config) {
    return new TestClient(Server.start(app, config.host("127.0.0.1").port(0).build()), true);
  }

  /** Calls a server that is already running; closing the client leaves it running. */
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

  @Override
  public void close() {
    http.close();
    if (ownsApp) {
      server.close();
      server.app().close();
    }
  }
}
