package dev.lanes.testing;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.lanes.App;
import dev.lanes.concurrency.Lane;
import dev.lanes.http.HttpException;
import dev.lanes.http.JsonCodec;
import dev.lanes.http.Response;
import dev.lanes.routing.BlockingHandler;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** Routing, parameters, bodies and error mapping, through a real server and sockets. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpBehaviourTest {
  record Item(String name, int qty) {}

  static final class Boom extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Boom(String m) {
      super(m);
    }
  }

  private static final CountDownLatch RELEASE_TINY = new CountDownLatch(1);
  private static final List<ILoggingEvent> ERRORS = new CopyOnWriteArrayList<>();
  private static final AppenderBase<ILoggingEvent> CAPTURE = new AppenderBase<>() {
    @Override
    protected void append(ILoggingEvent e) {
      if (e.getLevel().isGreaterOrEqual(Level.ERROR)) {
        ERRORS.add(e);
      }
    }
  };
  private static TestClient client;

  @BeforeAll
  static void start() {
    CAPTURE.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(CAPTURE);
    App app = App.builder()
        .get("/hello", req -> Response.text("hello"))
        .post("/m", req -> Response.text("POST"))
        .put("/m", req -> Response.text("PUT"))
        .patch("/m", req -> Response.text("PATCH"))
        .delete("/m", req -> Response.text("DELETE"))
        .getAsync("/m", req -> CompletableFuture.completedFuture(Response.text("GET")))
        .route("PURGE", "/m", (BlockingHandler) req -> Response.text("PURGE"))
        .postAsync("/a", req -> CompletableFuture.completedFuture(Response.text("async POST")))
        .putAsync("/a", req -> CompletableFuture.completedFuture(Response.text("async PUT")))
        .patchAsync("/a", req -> CompletableFuture.completedFuture(Response.text("async PATCH")))
        .deleteAsync("/a", req -> CompletableFuture.completedFuture(Response.text("async DELETE")))
        .get("/items/{id:int}", req -> Response.json(Map.of("id", req.pathParams().getInt("id"))))
        .get("/users/{name}/age/{age}", req -> Response.json(Map.of(
            "name", req.pathParams().get("name"), "age", req.pathParams().getLong("age"))))
        .get("/files/{rest:path}", req -> Response.text(req.pathParams().get("rest")))
        .get("/search", req -> {
          Map<String, Object> out = new LinkedHashMap<>();
          out.put("q", req.query().get("q"));
          out.put("n", req.query().getInt("n", 10));
          out.put("tags", req.query().all("tag"));
          return Response.json(out);
        })
        .get("/headers", req -> Response.text(req.header("x-token").orElse("none"))
            .withHeader("X-Custom", "yes").withHeader("Set-Cookie", "a=1").withHeader("Set-Cookie", "b=2"))
        .post("/echo/bytes", req -> Response.bytes(req.body(), "application/octet-stream"))
        .post("/echo/text", req -> Response.text(req.text()))
        .post("/echo/json", req -> {
          Item item = req.json(Item.class);
          return Response.json(new Item(item.name().toUpperCase(java.util.Locale.ROOT), item.qty() * 2))
              .withStatus(201).withHeader("Location", "/items/1");
        })
        .get("/empty", req -> Response.status(204))
        .get("/fail", req -> {
          throw new IllegalStateException("secret-detail-123 at db.internal");
        })
        .getAsync("/fail-async", req -> CompletableFuture.failedFuture(new IllegalStateException("secret-async")))
        .getAsync("/throw-async", req -> {
          throw new IllegalStateException("secret-sync-throw");
        })
        .get("/teapot", req -> {
          throw new HttpException(418, "I'm a teapot");
        })
        .getAsync("/conflict-async", req -> CompletableFuture.failedFuture(new HttpException(409, "taken")))
        .get("/mapped", req -> {
          throw new NumberFormatException("not a number: x"); // an IllegalArgumentException
        })
        .get("/boom", req -> {
          throw new Boom("kaboom");
        })
        .get("/null", req -> null)
        .getAsync("/null-async", req -> CompletableFuture.completedFuture(null))
        .route("GET", "/tiny", "tiny", req -> {
          RELEASE_TINY.await();
          return Response.text("tiny");
        })
        .lane(Lane.builder("tiny").capacity(1).maxWaiting(0))
        .exceptionHandler(IllegalArgumentException.class, e -> Response.text(422, "mapped: " + e.getMessage()))
        .exceptionHandler(Boom.class, e -> {
          throw new IllegalStateException("the handler itself fails");
        })
        .build();
    client = TestClient.start(app);
  }

  @AfterAll
  static void stop() {
    RELEASE_TINY.countDown();
    client.close();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(CAPTURE);
  }

  @BeforeEach
  void clearErrors() {
    ERRORS.clear();
  }

  private static TestResponse send(String method, String path) {
    return client.request(method, path, new byte[0]);
  }

  @Test
  void everyMethodReachesItsHandler() {
    for (String m : List.of("GET", "POST", "PUT", "PATCH", "DELETE", "PURGE")) {
      TestResponse r = send(m, "/m");
      assertThat(r.status()).as(m).isEqualTo(200);
      assertThat(r.text()).isEqualTo(m);
    }
    for (String m : List.of("POST", "PUT", "PATCH", "DELETE")) {
      assertThat(send(m, "/a").text()).isEqualTo("async " + m);
    }
  }

  @Test
  void textResponse() {
    TestResponse r = client.get("/hello");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text()).isEqualTo("hello");
    assertThat(r.header("content-type")).contains("text/plain; charset=utf-8");
    assertThat(r.header("content-length")).contains("5");
    assertThat(r.header("date")).isPresent();
  }

  @Test
  void typedPathParameters() {
    TestResponse r = client.get("/items/42");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("id").asInt()).isEqualTo(42);
    assertThat(r.header("content-type")).contains("application/json");

    TestResponse bad = client.get("/items/abc");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.text()).isEqualTo("path parameter 'id' must be an int, got 'abc'");
  }

  @Test
  void untypedPathParametersConvertedInTheHandler() {
    TestResponse r = client.get("/users/ann%20lee/age/33");
    assertThat(r.json().get("name").asText()).isEqualTo("ann lee"); // percent-decoded
    assertThat(r.json().get("age").asLong()).isEqualTo(33);

    TestResponse bad = client.get("/users/ann/age/old");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.text()).isEqualTo("path parameter 'age' must be an integer, got 'old'");
    assertThat(client.get("/files/a/b/c.txt").text()).isEqualTo("a/b/c.txt");
  }

  @Test
  void queryParameters() {
    TestResponse r = client.get("/search?q=hello%20world&n=3&tag=a&tag=b");
    assertThat(r.json().get("q").asText()).isEqualTo("hello world");
    assertThat(r.json().get("n").asInt()).isEqualTo(3);
    assertThat(r.json().get("tags")).hasSize(2);
    assertThat(r.json().get("tags").get(1).asText()).isEqualTo("b");
    assertThat(client.get("/search?q=x").json().get("n").asInt()).isEqualTo(10);

    TestResponse missing = client.get("/search");
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.text()).isEqualTo("missing query parameter 'q'");
    TestResponse badInt = client.get("/search?q=x&n=lots");
    assertThat(badInt.status()).isEqualTo(400);
    assertThat(badInt.text()).contains("'n'").contains("lots");
  }

  @Test
  void requestAndResponseHeaders() {
    TestResponse r = client.send(client.request("/headers").header("X-Token", "abc").GET());
    assertThat(r.text()).isEqualTo("abc");
    assertThat(r.header("X-Custom")).contains("yes");
    assertThat(r.headerValues("set-cookie")).containsExactly("a=1", "b=2");
    assertThat(client.get("/headers").text()).isEqualTo("none");
  }

  @Test
  void bodyAsBytes() {
    byte[] all = new byte[256];
    for (int i = 0; i < 256; i++) {
      all[i] = (byte) i;
    }
    TestResponse r = client.post("/echo/bytes", all, "application/octet-stream");
    assertThat(r.body()).isEqualTo(all);
    assertThat(r.header("content-type")).contains("application/octet-stream");
  }

  @Test
  void bodyAsTextHonoursTheCharset() {
    byte[] latin1 = "café".getBytes(StandardCharsets.ISO_8859_1);
    TestResponse r = client.post("/echo/text", latin1, "text/plain; charset=ISO-8859-1");
    assertThat(r.text()).isEqualTo("café"); // decoded as Latin-1, answered in UTF-8
    assertThat(client.post("/echo/text", "naïve", "text/plain").text()).isEqualTo("naïve");
    assertThat(client.post("/echo/text", new byte[] {65}, "text/plain; charset=nope").status()).isEqualTo(415);
  }

  @Test
  void jsonBodiesAndResponses() {
    TestResponse r = client.postJson("/echo/json", "{\"name\":\"bolt\",\"qty\":21}");
    assertThat(r.status()).isEqualTo(201);
    assertThat(r.header("location")).contains("/items/1");
    assertThat(JsonCodec.defaults().read(r.body(), Item.class)).isEqualTo(new Item("BOLT", 42));
  }

  @Test
  void badJsonIs400() {
    for (String body : List.of("{nope", "{\"name\":\"bolt\",\"qty\":\"many\"}", "{\"name\":\"x\",\"qty\":1,\"zzz\":1}", "")) {
      TestResponse r = client.postJson("/echo/json", body);
      assertThat(r.status()).as(body).isEqualTo(400);
      assertThat(r.text()).doesNotContain("dev.lanes").doesNotContain("Exception");
    }
    assertThat(client.postJson("/echo/json", "{nope").text()).startsWith("invalid JSON body");
    assertThat(ERRORS).isEmpty(); // client mistakes are not server errors
  }

  @Test
  void unknownPathIs404() {
    TestResponse r = client.get("/nowhere");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.text()).isEqualTo("Not Found");
    assertThat(client.get("/items/1/extra").status()).isEqualTo(404);
  }

  @Test
  void wrongMethodIs405WithAllow() {
    TestResponse r = send("POST", "/hello");
    assertThat(r.status()).isEqualTo(405);
    assertThat(r.header("allow")).contains("GET, HEAD, OPTIONS");
    TestResponse m = send("OPTIONS", "/m");
    assertThat(m.status()).isEqualTo(204);
    assertThat(m.header("allow")).contains("DELETE, GET, HEAD, OPTIONS, PATCH, POST, PURGE, PUT");
    assertThat(send("GET", "/echo/json").header("allow")).contains("OPTIONS, POST");
  }

  @Test
  void headHasTheLengthOfGetButNoBody() {
    TestResponse head = client.head("/hello");
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("content-length")).contains("5");
    assertThat(head.header("content-type")).contains("text/plain; charset=utf-8");
    assertThat(head.body()).isEmpty();
    assertThat(client.head("/items/7").header("content-length")).contains(String.valueOf("{\"id\":7}".length()));
  }

  @Test
  void noContentHasNoBody() {
    TestResponse r = client.get("/empty");
    assertThat(r.status()).isEqualTo(204);
    assertThat(r.body()).isEmpty();
    assertThat(r.header("content-length")).isEmpty();
  }

  @Test
  void handlerExceptionIs500ThatLeaksNothingAndIsLoggedOnce() {
    for (String path : List.of("/fail", "/fail-async", "/throw-async")) {
      ERRORS.clear();
      TestResponse r = client.get(path);
      assertThat(r.status()).as(path).isEqualTo(500);
      assertThat(r.text()).isEqualTo("Internal Server Error");
      assertThat(r.text()).doesNotContain("secret").doesNotContain("IllegalStateException")
          .doesNotContain("dev.lanes").doesNotContain("\tat ");
      // logged (before the response was written), exactly once, with the exception
      assertThat(ERRORS).as(path).hasSize(1);
      assertThat(ERRORS.get(0).getThrowableProxy()).isNotNull();
      assertThat(ERRORS.get(0).getThrowableProxy().getMessage()).startsWith("secret");
    }
  }

  @Test
  void httpExceptionGivesItsStatusAndMessage() {
    TestResponse r = client.get("/teapot");
    assertThat(r.status()).isEqualTo(418);
    assertThat(r.text()).isEqualTo("I'm a teapot");
    TestResponse c = client.get("/conflict-async");
    assertThat(c.status()).isEqualTo(409);
    assertThat(c.text()).isEqualTo("taken");
    assertThat(ERRORS).isEmpty();
  }

  @Test
  void exceptionHandlersMapTypesAndSubtypes() {
    TestResponse r = client.get("/mapped");
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.text()).isEqualTo("mapped: not a number: x");
  }

  @Test
  void aFailingExceptionHandlerIs500() {
    TestResponse r = client.get("/boom");
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.text()).isEqualTo("Internal Server Error");
    assertThat(ERRORS).hasSize(1);
  }

  @Test
  void aHandlerReturningNullIs500() {
    for (String path : List.of("/null", "/null-async")) {
      TestResponse r = client.send(client.request(path).timeout(Duration.ofSeconds(10)).GET());
      assertThat(r.status()).as(path).isEqualTo(500);
      assertThat(r.text()).isEqualTo("Internal Server Error");
    }
  }

  @Test
  void aFullLaneAnswers503WithRetryAfter() throws Exception {
    Lane tiny = client.server().app().lanes().get("tiny");
    CompletableFuture<TestResponse> first = client.sendAsync(client.request("/tiny").GET());
    Await.until(() -> tiny.statistics().borrowed() == 1, "the first request to hold the token");
    TestResponse rejected = client.get("/tiny");
    assertThat(rejected.status()).isEqualTo(503);
    assertThat(rejected.header("retry-after")).contains("1");
    assertThat(rejected.text()).startsWith("Service Unavailable");
    RELEASE_TINY.countDown();
    assertThat(first.get(10, TimeUnit.SECONDS).text()).isEqualTo("tiny");
    assertThat(tiny.statistics().rejected()).isEqualTo(1);
  }

  @Test
  void sendAsyncAndCustomRequests() throws Exception {
    HttpRequest.Builder b = client.request("/hello").GET();
    assertThat(client.sendAsync(b).get(10, TimeUnit.SECONDS).text()).isEqualTo("hello");
    assertThat(client.uri("/x").toString()).isEqualTo("http://127.0.0.1:" + client.port() + "/x");
    assertThat(client.delete("/m").text()).isEqualTo("DELETE");
  }
}
