package dev.lanes.typed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.HttpException;
import dev.lanes.testing.Await;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Dependencies: sub-dependencies, per-request caching, cleanup order and timing, security providers. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DependenciesTest {
  record Db(String name) {}

  record Session(Db db, int n) {}

  record Audit(String who) {}

  /** Db → Session → Audit, each with a cleanup, recording what happens in order. */
  static final class Providers {
    final List<String> events = new CopyOnWriteArrayList<>();
    final AtomicInteger sessions = new AtomicInteger();
    volatile CountDownLatch releaseCleanup = new CountDownLatch(0);

    @Provides
    Provided<Db> db() {
      events.add("open db");
      return Provided.of(new Db("main"), () -> events.add("close db"));
    }

    @Provides
    Provided<Session> session(Db db) {
      int n = sessions.incrementAndGet();
      events.add("open session " + n);
      return Provided.of(new Session(db, n), () -> {
        releaseCleanup.await(); // the newest after-response cleanup runs first: holding it holds them all
        events.add("close session " + n);
      });
    }

    @Provides(cached = false)
    Provided<Audit> audit(Session s, @Header("x-user") String user) {
      events.add("audit " + user);
      return Provided.of(new Audit(user), () -> events.add("close audit " + user)).closeAfterHandler();
    }
  }

  static final class Routes {
    final List<String> events;

    Routes(List<String> events) {
      this.events = events;
    }

    @Get("/twice")
    String twice(Session a, Session b, Audit audit) {
      events.add("handler");
      return a.n() + "," + b.n() + "," + a.db().name() + "," + audit.who();
    }

    @Get("/validated")
    String validated(Session s, @Query int n) {
      events.add("handler");
      return "n=" + n;
    }

    @Get("/fails")
    String fails(Session s) {
      events.add("handler");
      throw new IllegalStateException("boom");
    }

    @Get("/refuses")
    String refuses(Session s) {
      throw new HttpException(409, "taken");
    }

    @Get("/slow")
    String slow(Session s) throws InterruptedException {
      events.add("handler");
      new CountDownLatch(1).await(); // until the client leaves and the handler is interrupted
      return "never";
    }
  }

  static final class AsyncRoutes {
    final List<String> events;

    AsyncRoutes(List<String> events) {
      this.events = events;
    }

    @Get("/pending")
    java.util.concurrent.CompletionStage<String> pending(Session s, Audit audit) {
      events.add("handler");
      return new java.util.concurrent.CompletableFuture<String>().thenApply(v -> v); // until the client leaves
    }
  }

  private static TestClient start(Providers p) {
    TypedApi api = TypedApi.builder().provider(p).controller(new Routes(p.events)).build();
    return TestClient.start(api.install(App.builder()).build());
  }

  @Test
  void aDependencyIsSharedWithinARequestAndCleanedUpInReverseOrderAfterTheResponse() {
    Providers p = new Providers();
    p.releaseCleanup = new CountDownLatch(1);
    try (TestClient client = start(p)) {
      TestResponse r = client.send(client.request("/twice").header("x-user", "ann"));
      // The response arrived while the session's cleanup was held back: cleanup follows the response.
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("\"1,1,main,ann\"");
      assertThat(p.events).doesNotContain("close db", "close session 1");
      p.releaseCleanup.countDown();
      Await.until(() -> p.events.contains("close db"), "db closed");
      assertThat(p.events).containsExactly("open db", "open session 1", "audit ann", "handler", "close audit ann",
          "close session 1", "close db");
    }
  }

  @Test
  void cleanupRunsOnValidationErrorsHandlerFailuresAndRefusals() {
    Providers p = new Providers();
    try (TestClient client = start(p)) {
      TestResponse invalid = client.get("/validated?n=x");
      assertThat(invalid.status()).isEqualTo(422);
      assertThat(invalid.json().at("/detail/0/loc/0").asText()).isEqualTo("query");
      Await.until(() -> p.events.contains("close db"), "cleanup after a 422");
      assertThat(p.events).containsExactly("open db", "open session 1", "close session 1", "close db");

      p.events.clear();
      assertThat(client.get("/fails").status()).isEqualTo(500);
      Await.until(() -> p.events.contains("close db"), "cleanup after a handler failure");
      assertThat(p.events).containsExactly("open db", "open session 2", "handler", "close session 2", "close db");

      p.events.clear();
      TestResponse refused = client.get("/refuses");
      assertThat(refused.status()).isEqualTo(409);
      assertThat(refused.text()).isEqualTo("{\"detail\":\"taken\"}");
      Await.until(() -> p.events.contains("close db"), "cleanup after an HttpException");
    }
  }

  @Test
  void cleanupRunsWhenTheClientDisconnects() {
    Providers p = new Providers();
    try (TestClient client = start(p)) {
      try (RawClient raw = RawClient.connect(client.port())) {
        raw.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
        Await.until(() -> p.events.contains("handler"), "handler running");
      }
      Await.until(() -> p.events.contains("close db"), "cleanup after disconnect");
      assertThat(p.events).containsExactly("open db", "open session 1", "handler", "close session 1", "close db");
    }
  }

  @Test
  void securityProvidersAnswer401WithWwwAuthenticate() {
    final class Secured {
      @Get("/key")
      String key(ApiKey key) {
        return key.value();
      }

      @Get("/bearer")
      String bearer(BearerToken token) {
        return token.value();
      }
    }
    TypedApi api = TypedApi.builder().provider(ApiKeyAuth.query("api_key")).provider(BearerAuth.create())
        .controller(new Secured()).build();
    try (TestClient client = TestClient.start(api.install(App.builder()).build())) {
      TestResponse noKey = client.get("/key");
      assertThat(noKey.status()).isEqualTo(401);
      assertThat(noKey.text()).isEqualTo("{\"detail\":\"Not authenticated\"}");
      assertThat(noKey.header("www-authenticate")).contains("APIKey");
      assertThat(client.get("/key?api_key=k1").text()).isEqualTo("\"k1\"");

      TestResponse noToken = client.send(client.request("/bearer").header("Authorization", "Basic abc"));
      assertThat(noToken.status()).isEqualTo(401);
      assertThat(noToken.header("www-authenticate")).contains("Bearer");
      assertThat(client.send(client.request("/bearer").header("Authorization", "Bearer t0k")).text())
          .isEqualTo("\"t0k\"");

      var doc = api.openApi();
      assertThat(doc.at("/components/securitySchemes/APIKeyQuery/name").asText()).isEqualTo("api_key");
      assertThat(doc.at("/components/securitySchemes/HTTPBearer/scheme").asText()).isEqualTo("bearer");
      assertThat(doc.at("/paths/~1key/get/security/0").has("APIKeyQuery")).isTrue();
      assertThat(doc.at("/paths/~1bearer/get/security/0").has("HTTPBearer")).isTrue();
    }
  }

  record Conn(int n) {}

  record Repo(Conn c) {}

  record Tx(Repo r) {}

  /** A connection given back when the handler returns, and a transaction on it committed after the response. */
  static final class EarlyConnection {
    final List<String> events = new CopyOnWriteArrayList<>();

    @Provides
    Provided<Conn> conn() {
      events.add("open conn");
      return Provided.of(new Conn(1), () -> events.add("close conn")).closeAfterHandler();
    }

    @Provides
    Repo repo(Conn c) {
      return new Repo(c);
    }

    @Provides
    Provided<Tx> tx(Repo r) {
      events.add("open tx");
      return Provided.of(new Tx(r), () -> events.add("commit tx"));
    }
  }

  static final class TxRoutes {
    final List<String> events;

    TxRoutes(List<String> events) {
      this.events = events;
    }

    @Get("/tx")
    String tx(Tx tx) {
      events.add("handler");
      return "done";
    }
  }

  /** An async handler's stage is cancelled when its client leaves; then every cleanup runs, newest first. */
  @Test
  void cleanupRunsWhenTheClientLeavesAnAsyncHandler() {
    Providers p = new Providers();
    TypedApi api = TypedApi.builder().provider(p).controller(new AsyncRoutes(p.events)).build();
    try (TestClient client = TestClient.start(api.install(App.builder()).build())) {
      try (RawClient raw = RawClient.connect(client.port())) {
        raw.send("GET /pending HTTP/1.1\r\nHost: x\r\nx-user: ann\r\n\r\n");
        Await.until(() -> p.events.contains("handler"), "handler called");
      }
      Await.until(() -> p.events.contains("close db"), "cleanup after the client left");
      assertThat(p.events).containsExactly("open db", "open session 1", "audit ann", "handler", "close audit ann",
          "close session 1", "close db");
    }
  }

  /**
   * A value cleaned up after the response made (here through another dependency) from one
   * cleaned up when the handler returns would be cleaned up after what it uses: the transaction
   * committed on a connection already given back. FastAPI refuses that ("has a scope of
   * "request", it cannot depend on dependencies with scope "function""); so does the request,
   * naming both, before the handler runs, and the cleanups still run newest first.
   */
  @Test
  void anAfterResponseValueMadeFromAnAfterHandlerOneIsRefused() {
    EarlyConnection p = new EarlyConnection();
    TypedApi api = TypedApi.builder().provider(p).controller(new TxRoutes(p.events)).build();
    try (TestClient client = TestClient.start(api.install(App.builder()).build())) {
      assertThat(client.get("/tx").status()).isEqualTo(500);
      Await.until(() -> p.events.contains("close conn") && p.events.contains("commit tx"), "cleanups");
      assertThat(p.events).containsExactly("open conn", "open tx", "commit tx", "close conn");
    }
  }

  record Store(String name) {}

  /** A dependency whose checked exception the app has a handler for. */
  static final class FailingStore {
    @Provides
    Store store() throws java.io.IOException {
      throw new java.io.IOException("store down");
    }
  }

  static final class StoreRoutes {
    @Get("/store")
    String store(Store s) {
      return s.name();
    }

    @Get("/store-async")
    java.util.concurrent.CompletionStage<String> storeAsync(Store s) {
      return java.util.concurrent.CompletableFuture.completedFuture(s.name());
    }
  }

  /**
   * A checked exception a dependency throws reaches the app's handler for its type, as one the
   * handler throws does (FastAPI's exception handlers see a dependency's exceptions too).
   */
  @Test
  void aDependencysCheckedExceptionReachesTheAppsHandlerForIt() {
    TypedApi api = TypedApi.builder().provider(new FailingStore()).controller(new StoreRoutes()).build();
    App app = api.install(App.builder())
        .exceptionHandler(java.io.IOException.class, e -> dev.lanes.http.Response.text(503, "unavailable: " + e.getMessage()))
        .build();
    try (TestClient client = TestClient.start(app)) {
      for (String path : List.of("/store", "/store-async")) {
        TestResponse r = client.get(path);
        assertThat(r.status()).as(path).isEqualTo(503);
        assertThat(r.text()).isEqualTo("unavailable: store down");
      }
    }
  }
}
