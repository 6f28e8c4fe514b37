package dev.lanes.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lanes.App;
import dev.lanes.http.HttpException;
import dev.lanes.http.Response;
import dev.lanes.routing.AsyncHandler;
import dev.lanes.routing.BlockingHandler;
import dev.lanes.routing.PathPattern;
import dev.lanes.routing.Route;
import dev.lanes.routing.RouteOptions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RouterTest {
  private static final BlockingHandler OK = req -> Response.text("ok");

  private static final class Router {
    static dev.lanes.internal.routing.Router<Route> of(List<Route> routes) {
      return new dev.lanes.internal.routing.Router<>(routes, r -> r);
    }
  }

  private static Route route(String method, String path) {
    return new Route(method, PathPattern.parse(path), OK, RouteOptions.defaults());
  }

  @Test
  void literalPathBeatsATemplateRegisteredBeforeIt() {
    Route template = route("GET", "/items/{id}");
    Route literal = route("GET", "/items/new");
    dev.lanes.internal.routing.Router<Route> router = Router.of(List.of(template, literal));

    assertThat(router.match("GET", "/items/new")).isEqualTo(new RouteMatch.Found<>(literal, Map.of()));
    assertThat(router.match("GET", "/items/5")).isEqualTo(new RouteMatch.Found<>(template, Map.of("id", "5")));
  }

  @Test
  void templatesAreTriedInRegistrationOrder() {
    Route first = route("GET", "/a/{x}");
    Route second = route("GET", "/{y}/b");
    dev.lanes.internal.routing.Router<Route> router = Router.of(List.of(first, second));
    assertThat(((RouteMatch.Found<Route>) router.match("GET", "/a/b")).target()).isSameAs(first);
    assertThat(((RouteMatch.Found<Route>) router.match("GET", "/z/b")).target()).isSameAs(second);
  }

  @Test
  void aLiteralPathFindsEachOfItsMethodsByValueAndHeadFallsBackToGet() {
    Route get = route("GET", "/things");
    Route post = route("POST", "/things");
    Route purge = route("PURGE", "/things");
    dev.lanes.internal.routing.Router<Route> router = Router.of(List.of(get, post, purge));
    // Method names built at run time, not the interned constants the decoder hands over.
    assertThat(((RouteMatch.Found<Route>) router.match(new String("POST"), "/things")).target()).isSameAs(post);
    assertThat(((RouteMatch.Found<Route>) router.match(new String("PURGE"), "/things")).target()).isSameAs(purge);
    assertThat(((RouteMatch.Found<Route>) router.match(new String("HEAD"), "/things")).target()).isSameAs(get);
    assertThat(router.match("PUT", "/things")).isInstanceOf(RouteMatch.MethodNotAllowed.class);
  }

  @Test
  void unknownPathIsNotFound() {
    dev.lanes.internal.routing.Router<Route> router = Router.of(List.of(route("GET", "/a"), route("GET", "/b/{id}")));
    assertThat(router.match("GET", "/c")).isInstanceOf(RouteMatch.NotFound.class);
    assertThat(router.match("GET", "/b/1/2")).isInstanceOf(RouteMatch.NotFound.class);
  }

  @Test
  void typedParameterThatDoesNotConvertIs400() {
    dev.lanes.internal.routing.Router<Route> router = Router.of(List.of(route("GET", "/items/{id:int}")));
    HttpException e = catchThrowableOfType(HttpException.class, () -> router.match("GET", "/items/abc"));
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.getMessage()).contains("'id'").contains("abc");
  }

  @Test
  void wrongMethodListsAllowedMethodsIncludingHeadAndOptions() {
    Route get = route("GET", "/r");
    Route post = route("POST", "/r");
    Route delete = route("DELETE", "/t/{id}");
    dev.lanes.internal.routing.Router<Route> router = Router.of(List.of(get, post, delete));

    assertThat(router.match("PUT", "/r"))
        .isEqualTo(new RouteMatch.MethodNotAllowed<>(java.util.Set.of("GET", "HEAD", "OPTIONS", "POST"),
            List.of(get, post)));
    assertThat(((RouteMatch.MethodNotAllowed<Route>) router.match("PUT", "/r")).allowed())
        .containsExactly("GET", "HEAD", "OPTIONS", "POST"); // sorted
    // no GET, so no HEAD either
    assertThat(((RouteMatch.MethodNotAllowed<Route>) router.match("GET", "/t/1")).allowed())
        .containsExactly("DELETE", "OPTIONS");
    // The routes whose path it is: what the middleware of their parts is taken from.
    assertThat(((RouteMatch.MethodNotAllowed<Route>) router.match("GET", "/t/1")).fitting()).containsExactly(delete);
    assertThat(router.match("OPTIONS", "/r")).isInstanceOf(RouteMatch.MethodNotAllowed.class);
  }

  @Test
  void headFallsBackToGetButPrefersAnExplicitHeadRoute() {
    Route get = route("GET", "/g");
    dev.lanes.internal.routing.Router<Route> router = Router.of(List.of(get, route("POST", "/p")));
    assertThat(router.match("HEAD", "/g")).isEqualTo(new RouteMatch.Found<>(get, Map.of()));
    assertThat(router.match("HEAD", "/p")).isInstanceOf(RouteMatch.MethodNotAllowed.class);

    Route head = route("HEAD", "/h");
    dev.lanes.internal.routing.Router<Route> both = Router.of(List.of(route("GET", "/h"), head));
    assertThat(((RouteMatch.Found<Route>) both.match("HEAD", "/h")).target()).isSameAs(head);
  }

  @Test
  void duplicateRouteFailsWhenBuilt() {
    assertThatThrownBy(() -> Router.of(List.of(route("GET", "/a/{id}"), route("get", "/a/{id}"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("GET /a/{id}");
    assertThatThrownBy(() -> App.builder().get("/x", OK).get("/x", OK).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("registered twice");
    // same path, other method: fine
    try (App app = App.builder().get("/x", OK).post("/x", OK).build()) {
      assertThat(app.routes()).hasSize(2);
    }
  }

  @Test
  void aTypedSegmentOfAnotherShapeFallsThroughToLaterRoutes() {
    Route id = route("GET", "/items/{id:long}");
    Route slug = route("GET", "/items/{slug}");
    dev.lanes.internal.routing.Router<Route> router = Router.of(List.of(id, slug));

    assertThat(router.match("GET", "/items/42")).isEqualTo(new RouteMatch.Found<>(id, Map.of("id", "42")));
    assertThat(router.match("GET", "/items/abc")).isEqualTo(new RouteMatch.Found<>(slug, Map.of("slug", "abc")));
    assertThat(router.match("GET", "/items/-1")).isEqualTo(new RouteMatch.Found<>(slug, Map.of("slug", "-1")));
  }

  @Test
  void aNumberOutOfRangeIs400NotAFallThrough() {
    dev.lanes.internal.routing.Router<Route> router = Router.of(List.of(route("GET", "/items/{id:long}"), route("GET", "/items/{slug}")));
    HttpException e = catchThrowableOfType(HttpException.class,
        () -> router.match("GET", "/items/99999999999999999999"));
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.getMessage())
        .isEqualTo("path parameter 'id' must be a long, got '99999999999999999999': too large");
  }

  @Test
  void aWrongShapeNoOtherRouteTakesIs400ButAnUnrelatedPathIs404() {
    dev.lanes.internal.routing.Router<Route> router = Router.of(List.of(route("GET", "/items/{id:long}"), route("GET", "/users/{id:uuid}")));
    assertThat(catchThrowableOfType(HttpException.class, () -> router.match("GET", "/users/ann")).getMessage())
        .isEqualTo("path parameter 'id' must be a UUID, got 'ann'");
    assertThat(router.match("GET", "/items/abc/more")).isInstanceOf(RouteMatch.NotFound.class);
    assertThat(router.match("GET", "/orders/abc")).isInstanceOf(RouteMatch.NotFound.class);
  }

  @Test
  void aTemplateShadowedByAnEarlierOneFailsWhenBuiltNamingBoth() {
    assertThatThrownBy(() -> Router.of(List.of(route("GET", "/items/{slug}"), route("GET", "/items/{id:long}"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("GET /items/{id:long} is unreachable: GET /items/{slug} (registered earlier) matches every"
            + " path it matches; register the more specific route first");
    assertThatThrownBy(() -> Router.of(List.of(route("GET", "/a/{x}"), route("GET", "/a/{y}"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("GET /a/{y} is unreachable: GET /a/{x} (registered earlier) matches every path it matches;"
            + " both match the same paths, so keep one");
    assertThatThrownBy(() -> Router.of(List.of(route("PUT", "/files/{rest:path}"), route("GET", "/x"),
        route("PUT", "/files/{dir}/{name}"))))
        .hasMessageContaining("PUT /files/{dir}/{name} is unreachable: PUT /files/{rest:path}");
    // through the app builder too
    assertThatThrownBy(() -> App.builder().get("/items/{slug}", OK).get("/items/{id:long}", OK).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is unreachable");
  }

  @Test
  void tablesWithoutShadowingBuild() {
    dev.lanes.internal.routing.Router<Route> router = Router.of(List.of(
        route("GET", "/a/{x}"), route("GET", "/{y}/b"), // overlap, neither covers the other
        route("GET", "/items/{id:long}"), route("GET", "/items/{slug}"), // specific first
        route("GET", "/items/{id}/tags"), route("GET", "/{kind}/{id:uuid}"), route("GET", "/{kind}/{name}"),
        route("GET", "/files/special/{n:int}"), route("GET", "/files/{rest:path}"),
        route("GET", "/items/new"))); // a literal after a template that takes its path: looked up first
    assertThat(router.targets()).hasSize(10);
    assertThat(((RouteMatch.Found<Route>) router.match("GET", "/items/new")).target().pattern().template())
        .isEqualTo("/items/new");
    assertThat(((RouteMatch.Found<Route>) router.match("GET", "/files/special/x")).target().pattern().template())
        .isEqualTo("/files/{rest:path}");
  }

  @Test
  void routesOfOtherMethodsNeitherShadowNorBlockEachOther() {
    Route post = route("POST", "/a/{x}");
    Route get = route("GET", "/a/{y}");
    Route literalPut = route("PUT", "/a/b");
    dev.lanes.internal.routing.Router<Route> router = Router.of(List.of(post, get, literalPut));

    assertThat(router.match("POST", "/a/b")).isEqualTo(new RouteMatch.Found<>(post, Map.of("x", "b")));
    assertThat(router.match("GET", "/a/b")).isEqualTo(new RouteMatch.Found<>(get, Map.of("y", "b")));
    assertThat(router.match("PUT", "/a/b")).isEqualTo(new RouteMatch.Found<>(literalPut, Map.of()));
    // every route that fits the path counts for Allow
    assertThat(((RouteMatch.MethodNotAllowed<Route>) router.match("DELETE", "/a/b")).allowed())
        .containsExactly("GET", "HEAD", "OPTIONS", "POST", "PUT");
    assertThat(((RouteMatch.MethodNotAllowed<Route>) router.match("DELETE", "/a/c")).allowed())
        .containsExactly("GET", "HEAD", "OPTIONS", "POST");
  }

  @Test
  void aGetRouteCoversALaterHeadRouteOfAShapeItTakes() {
    assertThatThrownBy(() -> Router.of(List.of(route("GET", "/a/{x}"), route("HEAD", "/a/{y}"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("HEAD /a/{y} is unreachable: GET /a/{x} (registered earlier; HEAD falls back to GET)");

    // the same template's own HEAD route is preferred, whatever the order
    Route get = route("GET", "/a/{x}");
    Route head = route("HEAD", "/a/{x}");
    dev.lanes.internal.routing.Router<Route> same = Router.of(List.of(get, head));
    assertThat(((RouteMatch.Found<Route>) same.match("HEAD", "/a/1")).target()).isSameAs(head);
    assertThat(((RouteMatch.Found<Route>) same.match("GET", "/a/1")).target()).isSameAs(get);

    // a HEAD route first leaves GET (and so HEAD fallback) to the later GET route's other paths
    Route headFirst = route("HEAD", "/a/{n:int}");
    Route getAfter = route("GET", "/a/{x}");
    dev.lanes.internal.routing.Router<Route> router = Router.of(List.of(headFirst, getAfter));
    assertThat(((RouteMatch.Found<Route>) router.match("HEAD", "/a/1")).target()).isSameAs(headFirst);
    assertThat(((RouteMatch.Found<Route>) router.match("HEAD", "/a/z")).target()).isSameAs(getAfter);
    assertThat(((RouteMatch.Found<Route>) router.match("GET", "/a/1")).target()).isSameAs(getAfter);
  }

  @Test
  void routeValidation() {
    assertThat(route("get", "/a").method()).isEqualTo("GET");
    assertThat(route("GET", "/a/{id}").name()).isEqualTo("GET /a/{id}");
    assertThatThrownBy(() -> route("GE T", "/a")).isInstanceOf(IllegalArgumentException.class);
    AsyncHandler async = req -> CompletableFuture.completedFuture(Response.text("x"));
    assertThatThrownBy(() -> new Route("GET", PathPattern.parse("/a"), async, RouteOptions.defaults().lane("db")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only blocking handlers take a lane");
  }

  @Test
  void routeNamingAnUnknownLaneFailsWhenTheAppIsBuilt() {
    assertThatThrownBy(() -> App.builder().route("GET", "/r", "nope", OK).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown lane 'nope'");
  }
}
