package dev.lanes.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.App;
import dev.lanes.Routes;
import dev.lanes.http.Response;
import dev.lanes.observe.LanesDashboard;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import dev.lanes.testing.TestWebSocket;
import dev.lanes.websocket.Message;
import dev.lanes.websocket.WebSocketOptions;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Parts of an app ({@link Routes}) included under a prefix, as FastAPI's {@code include_router}
 * and Starlette's {@code Mount}: paths joined, parts nested, each part's middleware around its own
 * routes only (inside the app's) and another method on their paths, and the app's routing rules
 * (404, 405, slash redirects, shadowed routes, lanes) over the whole table.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class IncludedRoutesTest {

  /** Records its name on the way in and adds an {@code X-Trace} header with it on the way out. */
  private static Middleware tracing(String name, Queue<String> seen) {
    return next -> req -> {
      seen.add(name + " " + req.path());
      return next.call(req).thenApply(r -> r.withHeader("X-Trace", name));
    };
  }

  @Test
  void aPrefixIsJoinedToEachPathAsFastApiDoes() {
    Routes items = Routes.create()
        .get("", req -> Response.text("list"))
        .get("/", req -> Response.text("list with slash"))
        .get("/{id:long}", req -> Response.text("item " + req.pathParams().getLong("id")))
        .postAsync("/{id:long}/tags", req -> CompletableFuture.completedFuture(Response.text("tagged")));
    App app = App.builder().get("/", req -> Response.text("home")).include("/items", items).build();
    assertThat(app.routes()).extracting(Route::name).containsExactly(
        "GET /", "GET /items", "GET /items/", "GET /items/{id:long}", "POST /items/{id:long}/tags");
    try (TestClient client = TestClient.start(app)) {
      assertThat(client.get("/items").text()).isEqualTo("list");
      assertThat(client.get("/items/").text()).isEqualTo("list with slash");
      assertThat(client.get("/items/42").text()).isEqualTo("item 42");
      assertThat(client.post("/items/42/tags", "", "text/plain").text()).isEqualTo("tagged");
      assertThat(client.get("/").text()).isEqualTo("home");
    }
  }

  @Test
  void partsNestAndOnePartServesUnderTwoPrefixes() {
    Routes posts = Routes.create()
        .get("/{postId:long}", req -> Response.text("user " + req.pathParams().getLong("userId")
            + " post " + req.pathParams().getLong("postId")));
    Routes api = Routes.create()
        .get("/status", req -> Response.text("up"))
        .include("/users/{userId:long}/posts", posts);
    App app = App.builder().include("/v1", api).include("/v2", api).build();
    assertThat(app.routes()).extracting(Route::name).containsExactly(
        "GET /v1/status", "GET /v1/users/{userId:long}/posts/{postId:long}",
        "GET /v2/status", "GET /v2/users/{userId:long}/posts/{postId:long}");
    try (TestClient client = TestClient.start(app)) {
      assertThat(client.get("/v1/users/7/posts/3").text()).isEqualTo("user 7 post 3");
      assertThat(client.get("/v2/users/8/posts/4").text()).isEqualTo("user 8 post 4");
      assertThat(client.get("/v2/status").text()).isEqualTo("up");
      // A prefix's typed parameter is checked as any other: a wrong shape is 400, naming it.
      TestResponse mistyped = client.get("/v1/users/me/posts/3");
      assertThat(mistyped.status()).isEqualTo(400);
      assertThat(mistyped.text()).contains("userId");
    }
  }

  @Test
  void aPartsMiddlewareWrapsOnlyItsRoutesInsideTheAppsAndTheOuterParts() {
    Queue<String> seen = new ConcurrentLinkedQueue<>();
    Routes inner = Routes.create()
        .middleware(tracing("inner", seen))
        .get("/deep", req -> {
          seen.add("handler");
          return Response.text("deep");
        });
    Routes outer = Routes.create()
        .get("/shallow", req -> Response.text("shallow"))
        .include("/in", inner)
        .middleware(tracing("outer", seen)); // added after its routes: still wraps them all
    App app = App.builder()
        .middleware(tracing("app", seen))
        .include("/out", outer)
        .get("/plain", req -> Response.text("plain"))
        .build();
    try (TestClient client = TestClient.start(app)) {
      TestResponse deep = client.get("/out/in/deep");
      assertThat(deep.text()).isEqualTo("deep");
      assertThat(seen).containsExactly("app /out/in/deep", "outer /out/in/deep", "inner /out/in/deep", "handler");
      // On the way out the innermost adds first.
      assertThat(deep.headerValues("X-Trace")).containsExactly("inner", "outer", "app");

      seen.clear();
      assertThat(client.get("/out/shallow").headerValues("X-Trace")).containsExactly("outer", "app");
      assertThat(seen).containsExactly("app /out/shallow", "outer /out/shallow");

      seen.clear();
      assertThat(client.get("/plain").headerValues("X-Trace")).containsExactly("app");
      assertThat(seen).containsExactly("app /plain");

      // A request no route takes meets only the app's middleware, even under a part's prefix.
      seen.clear();
      TestResponse missing = client.get("/out/in/nothing");
      assertThat(missing.status()).isEqualTo(404);
      assertThat(missing.headerValues("X-Trace")).containsExactly("app");
      assertThat(seen).containsExactly("app /out/in/nothing");
    }
  }

  /**
   * A method no route takes on a path a part's routes serve (the 405, the automatic {@code
   * OPTIONS} answer, so a CORS preflight) meets that part's middleware, as a Starlette
   * {@code Mount}'s does. A path the routes of two parts serve meets only the middleware both
   * routes run inside, from the outside in: never one part's for a request another part's route
   * may be the one meant.
   */
  @Test
  void anotherMethodOnAPartsPathMeetsTheMiddlewareItsRoutesShare() {
    Queue<String> seen = new ConcurrentLinkedQueue<>();
    Middleware both = tracing("both", seen);
    Routes reads = Routes.create()
        .middleware(both)
        .middleware(tracing("reads", seen))
        .get("/{id:long}", req -> Response.text("item"))
        .get("/{id:long}/history", req -> Response.text("history"));
    Routes writes = Routes.create()
        .middleware(both) // the same middleware in both parts: it runs for their shared paths
        .middleware(tracing("writes", seen))
        .delete("/{id:long}", req -> Response.text("deleted"));
    Routes items = Routes.create()
        .middleware(tracing("items", seen))
        .include("", reads)
        .include("", writes);
    App app = App.builder()
        .middleware(tracing("app", seen))
        .include("/items", items)
        .build();
    try (TestClient client = TestClient.start(app)) {
      TestResponse history = client.request("PUT", "/items/5/history", new byte[0]);
      assertThat(history.status()).isEqualTo(405);
      assertThat(history.headerValues("X-Trace")).containsExactly("reads", "both", "items", "app");
      assertThat(seen).containsExactly("app /items/5/history", "items /items/5/history", "both /items/5/history",
          "reads /items/5/history");

      seen.clear();
      TestResponse options = client.request("OPTIONS", "/items/5/history", new byte[0]);
      assertThat(options.status()).isEqualTo(204);
      assertThat(options.headerValues("X-Trace")).containsExactly("reads", "both", "items", "app");

      // GET /items/{id} is reads', DELETE writes': a PUT meets what both run inside.
      seen.clear();
      TestResponse shared = client.request("PUT", "/items/5", new byte[0]);
      assertThat(shared.status()).isEqualTo(405);
      assertThat(shared.header("Allow")).contains("DELETE, GET, HEAD, OPTIONS");
      assertThat(shared.headerValues("X-Trace")).containsExactly("both", "items", "app");
      assertThat(seen).containsExactly("app /items/5", "items /items/5", "both /items/5");

      // A path no route serves meets the app's middleware only, as before.
      seen.clear();
      assertThat(client.request("PUT", "/items/5/nothing", new byte[0]).headerValues("X-Trace"))
          .containsExactly("app");
    }
  }

  @Test
  void aPartsMiddlewareMayAnswerAndTheAppsExceptionHandlersAnswerItsRoutes() {
    class Refused extends RuntimeException {}
    Routes admin = Routes.create()
        .middleware(next -> req -> req.header("X-Admin").isPresent()
            ? next.call(req)
            : CompletableFuture.completedFuture(Response.text(403, "admins only")))
        .get("/panel", req -> Response.text("panel"))
        .get("/refuse", req -> {
          throw new Refused();
        });
    App app = App.builder()
        .exceptionHandler(Refused.class, e -> Response.text(409, "refused by the app's handler"))
        .include("/admin", admin)
        .get("/public", req -> Response.text("public"))
        .build();
    try (TestClient client = TestClient.start(app)) {
      assertThat(client.get("/admin/panel").status()).isEqualTo(403);
      assertThat(client.send(client.request("/admin/panel").header("X-Admin", "1")).text()).isEqualTo("panel");
      TestResponse refused = client.send(client.request("/admin/refuse").header("X-Admin", "1"));
      assertThat(refused.status()).isEqualTo(409);
      assertThat(refused.text()).isEqualTo("refused by the app's handler");
      assertThat(client.get("/public").text()).isEqualTo("public");
    }
  }

  @Test
  void middlewareForThePlaceOfInclusionIsAWrappingPart() {
    Routes adminRoutes = Routes.create().get("", req -> Response.text("admin home"));
    LanesDashboard.mount(adminRoutes::getAsync, "/_lanes"); // any getAsync will do: a part's too
    Middleware auth = next -> req -> req.header("X-Admin").isPresent()
        ? next.call(req)
        : CompletableFuture.completedFuture(Response.text(403, "admins only"));
    App app = App.builder().include("/admin", Routes.create().middleware(auth).include("", adminRoutes)).build();
    try (TestClient client = TestClient.start(app)) {
      assertThat(client.get("/admin").status()).isEqualTo(403);
      assertThat(client.get("/admin/_lanes/snapshot").status()).isEqualTo(403);
      assertThat(client.send(client.request("/admin").header("X-Admin", "1")).text()).isEqualTo("admin home");
      TestResponse snapshot = client.send(client.request("/admin/_lanes/snapshot").header("X-Admin", "1"));
      assertThat(snapshot.status()).isEqualTo(200);
      assertThat(snapshot.json().has("lanes")).isTrue();
    }
  }

  @Test
  void notFoundMethodNotAllowedAndSlashRedirectsSpanTheWholeTable() {
    Routes items = Routes.create()
        .get("", req -> Response.text("list"))
        .delete("/{id:long}", req -> Response.text("deleted"));
    App app = App.builder()
        .include("/items", items)
        .get("/items/{id:long}", req -> Response.text("item"))
        .build();
    try (TestClient client = TestClient.start(app)) {
      // The part's "" is /items: /items/ is redirected to it, as FastAPI's redirect_slashes.
      TestResponse slash = client.get("/items/?q=1");
      assertThat(slash.status()).isEqualTo(307);
      assertThat(slash.header("Location")).contains("/items?q=1");
      // Allow lists the methods of the app's route and the part's alike.
      TestResponse put = client.request("PUT", "/items/5", new byte[0]);
      assertThat(put.status()).isEqualTo(405);
      assertThat(put.header("Allow")).contains("DELETE, GET, HEAD, OPTIONS");
      assertThat(client.delete("/items/5").text()).isEqualTo("deleted");
      assertThat(client.get("/items/5").text()).isEqualTo("item");
      assertThat(client.get("/other").status()).isEqualTo(404);
    }
  }

  @Test
  void aPartsWebSocketRoutesServeUnderItsPrefixThroughItsMiddleware() {
    Queue<String> seen = new ConcurrentLinkedQueue<>();
    Routes live = Routes.create()
        .middleware(tracing("live", seen))
        .websocket("/echo", ws -> {
          while (true) { // until the client closes
            ws.send(Message.text("echo " + ws.request().path() + " " + ((Message.Text) ws.receive()).text()));
          }
        })
        .websocketAsync("/{room}", (ws, message) -> ws.sendAsync(Message.text(
            ws.request().pathParams().get("room") + ": " + ((Message.Text) message).text())));
    App app = App.builder().include("/ws", live).build();
    assertThat(app.routes()).extracting(Route::name).containsExactly("GET /ws/echo", "GET /ws/{room}");
    try (TestClient client = TestClient.start(app)) {
      try (TestWebSocket ws = client.websocket("/ws/echo")) {
        ws.sendText("hi");
        assertThat(ws.receiveText()).isEqualTo("echo /ws/echo hi");
      }
      try (TestWebSocket ws = client.websocket("/ws/lobby")) {
        ws.sendText("hello");
        assertThat(ws.receiveText()).isEqualTo("lobby: hello");
      }
      assertThat(seen).containsExactly("live /ws/echo", "live /ws/lobby");
    }
  }

  @Test
  void aRouteTwiceAcrossPartsFailsTheBuild() {
    Routes items = Routes.create().get("/x", req -> Response.text("part"));
    App.Builder app = App.builder().get("/items/x", req -> Response.text("app")).include("/items", items);
    assertThatThrownBy(app::build).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("route registered twice: GET /items/x");

    Routes again = Routes.create().get("/{id}", req -> Response.text("part"));
    App.Builder twice = App.builder().include("/a", again).include("/a", again);
    assertThatThrownBy(twice::build).hasMessage("route registered twice: GET /a/{id}");
  }

  @Test
  void aRouteAPartShadowsFailsTheBuild() {
    Routes bySlug = Routes.create().get("/{slug}", req -> Response.text("slug"));
    App.Builder app = App.builder()
        .include("/items", bySlug)
        .get("/items/{id:long}", req -> Response.text("id"));
    assertThatThrownBy(app::build).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("GET /items/{id:long} is unreachable: GET /items/{slug} (registered earlier)");
  }

  @Test
  void aLaneAPartNamesMustBeTheApps() {
    Routes reports = Routes.create().route("GET", "/daily", "reports", req -> Response.text("report"));
    assertThatThrownBy(() -> App.builder().include("/reports", reports).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("GET /reports/daily names unknown lane 'reports'; lanes: ");

    Routes live = Routes.create().websocket("/feed", WebSocketOptions.defaults().lane("feeds"), ws -> ws.receive());
    assertThatThrownBy(() -> App.builder().include("/live", live).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("GET /live/feed names unknown lane 'feeds'; lanes: ");

    App ok = App.builder()
        .lane(dev.lanes.concurrency.Lane.builder("reports").capacity(2))
        .include("/reports", reports)
        .build();
    ok.close();
  }

  @Test
  void aBadPrefixOrPathFailsWhereItIsWritten() {
    Routes part = Routes.create().get("/x", req -> Response.text("x"));
    assertThatThrownBy(() -> App.builder().include("items", part))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("prefix 'items' must start with '/'");
    assertThatThrownBy(() -> App.builder().include("/items/", part))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("prefix '/items/' must not end with '/'");
    assertThatThrownBy(() -> Routes.create().include("/", part))
        .hasMessageStartingWith("prefix '/' must not end with '/'");
    assertThatThrownBy(() -> App.builder().include("/files/{rest:path}", part))
        .hasMessageContaining("a {name:path} parameter must end the path");
    assertThatThrownBy(() -> App.builder().include("/a?b", part)).hasMessageContaining("without '?' or '#'");
    assertThatThrownBy(() -> Routes.create().get("x", req -> Response.text("x")))
        .hasMessageStartingWith("path must start with '/'");
    assertThatThrownBy(() -> Routes.create().get("/{", req -> Response.text("x")))
        .isInstanceOf(IllegalArgumentException.class);

    // "" is the prefix itself, so it needs one.
    Routes root = Routes.create().get("", req -> Response.text("root"));
    assertThatThrownBy(() -> App.builder().include("", root))
        .hasMessageContaining("included under no prefix: its path must start with '/'");
    // A parameter in both the prefix and the path.
    Routes byId = Routes.create().get("/{id}", req -> Response.text("id"));
    assertThatThrownBy(() -> App.builder().include("/users/{id}", byId))
        .hasMessage("route path '/{id}' under prefix '/users/{id}': parameter 'id' repeated in /users/{id}/{id}");
    // A part that fails to include adds none of its routes.
    App.Builder builder = App.builder().get("/kept", req -> Response.text("kept"));
    Routes halfBad = Routes.create().get("/fine", req -> Response.text("fine")).get("", req -> Response.text("x"));
    assertThatThrownBy(() -> builder.include("", halfBad)).isInstanceOf(IllegalArgumentException.class);
    try (App app = builder.build()) {
      assertThat(app.routes()).extracting(Route::name).containsExactly("GET /kept");
    }
    // "" adds the routes with no prefix of their own, their middleware still theirs.
    App.builder().include("", byId).build().close();
  }

  @Test
  void aPartIsTakenAsItIsWhenIncluded() {
    Routes part = Routes.create().get("/a", req -> Response.text("a"));
    App.Builder builder = App.builder().include("/p", part);
    part.get("/b", req -> Response.text("b"));
    try (App app = builder.build()) {
      assertThat(app.routes()).extracting(Route::name).containsExactly("GET /p/a");
    }
  }
}
