package dev.lanes.typed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanes.App;
import dev.lanes.http.HttpException;
import dev.lanes.testing.Await;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Route groups (FastAPI's {@code APIRouter} with {@code include_router}): prefix, tags,
 * dependencies and responses, nested. {@code groups-openapi-fastapi.json} is the document
 * FastAPI 0.142.2 writes for {@code benchmarks/fastapi/groups_app.py}, whose routes
 * {@link #api()} repeats; that script also prints the dependency order asserted here.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RouteGroupsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  record Message(String detail) {}

  record Item(long id, String name) {}

  /** Its components are the JSON's names, as in the twin. */
  record Member(long org_id, long member_id) {}

  /** Proof that the request carried the right key. */
  record ValidKey() {}

  static final class KeyCheck {
    @Provides
    ValidKey check(ApiKey key) {
      if (!key.value().equals("secret")) {
        throw new HttpException(401, "Invalid API key");
      }
      return new ValidKey();
    }
  }

  static final class Health {
    @Get("/health")
    String health() {
      return "ok";
    }
  }

  static final class Items {
    @Get("")
    List<Item> listItems() {
      return List.of(new Item(1, "Plumbus"));
    }

    @Get("/{item_id}")
    @Operation(tags = "one")
    Item readItem(@Path long itemId) {
      if (itemId != 1) {
        throw new HttpException(404, "Item not found");
      }
      return new Item(1, "Plumbus");
    }
  }

  static final class Members {
    @Get("/{member_id}")
    Member readMember(@Path long orgId, @Path long memberId) {
      return new Member(orgId, memberId);
    }
  }

  /** The twin of groups_app.py. */
  private static TypedApi api() {
    return TypedApi.builder().title("Groups")
        .provider(ApiKeyAuth.header("X-API-Key"))
        .provider(new KeyCheck())
        .controller(new Health())
        .group("/items", g -> g.tags("items").require(ValidKey.class)
            .response(404, Message.class, "Item not found")
            .controller(new Items()))
        .group("/orgs/{org_id}", g -> g.tags("orgs")
            .group("/members", m -> m.tags("members").controller(new Members())))
        .build();
  }

  private static TestResponse get(TestClient client, String path, String key) {
    var request = client.request(path);
    if (key != null) {
      request.header("X-API-Key", key);
    }
    return client.send(request);
  }

  @Test
  void aGroupsAuthDependencyGuardsEveryRouteOfTheGroupAndNoOther() {
    try (TestClient client = TestClient.start(api().install(App.builder()).build())) {
      for (String path : List.of("/items", "/items/1", "/items/2")) {
        TestResponse none = get(client, path, null);
        assertThat(none.status()).as(path).isEqualTo(401);
        assertThat(none.text()).as(path).isEqualTo("{\"detail\":\"Not authenticated\"}");
        assertThat(none.header("www-authenticate")).as(path).contains("APIKey");
        TestResponse wrong = get(client, path, "nope");
        assertThat(wrong.status()).as(path).isEqualTo(401);
        assertThat(wrong.text()).as(path).isEqualTo("{\"detail\":\"Invalid API key\"}");
      }
      assertThat(get(client, "/items", "secret").text()).isEqualTo("[{\"id\":1,\"name\":\"Plumbus\"}]");
      assertThat(get(client, "/items/1", "secret").text()).isEqualTo("{\"id\":1,\"name\":\"Plumbus\"}");
      TestResponse missing = get(client, "/items/2", "secret");
      assertThat(missing.status()).isEqualTo(404);
      assertThat(missing.text()).isEqualTo("{\"detail\":\"Item not found\"}");
      // Outside the group: no key needed.
      assertThat(get(client, "/health", null).status()).isEqualTo(200);
      TestResponse member = get(client, "/orgs/3/members/4", null);
      assertThat(member.status()).isEqualTo(200);
      assertThat(member.text()).isEqualTo("{\"org_id\":3,\"member_id\":4}");
      // The prefix's path parameter is validated like the route's own.
      TestResponse bad = get(client, "/orgs/x/members/4", null);
      assertThat(bad.status()).isEqualTo(422);
      assertThat(bad.text()).contains("\"type\":\"int_parsing\"").contains("\"loc\":[\"path\",\"org_id\"]");
      // The group's prefix alone is not the route's path with a slash: redirected to it, as FastAPI does.
      TestResponse slash = get(client, "/items/", "secret");
      assertThat(slash.status()).isEqualTo(307);
      assertThat(slash.header("location")).contains("/items");
    }
  }

  @Test
  void theDocumentHasThePrefixedPathsTagsSecurityAndResponsesAsFastApis() throws IOException {
    JsonNode expected;
    try (InputStream in = RouteGroupsTest.class.getResourceAsStream("/typed/groups-openapi-fastapi.json")) {
      expected = JSON.readTree(in);
    }
    JsonNode actual = api().openApi();
    List<String> differ = new ArrayList<>();
    expected.get("paths").properties().forEach(e -> {
      JsonNode mine = actual.get("paths").get(e.getKey());
      if (!e.getValue().equals(mine)) {
        differ.add(e.getKey() + ": " + mine);
      }
    });
    assertThat(differ).isEmpty();
    assertThat(actual).isEqualTo(expected);
    assertThat(actual.at("/paths/~1items~1{item_id}/get/tags").toString()).isEqualTo("[\"items\",\"one\"]");
    assertThat(actual.at("/paths/~1items/get/security").toString()).isEqualTo("[{\"APIKeyHeader\":[]}]");
    assertThat(actual.at("/paths/~1health/get/security").isMissingNode()).isTrue();
  }

  /** Each dependency records when it opens and closes. */
  static final class Recorder {
    final List<String> events = new CopyOnWriteArrayList<>();

    record AppDep() {}

    record Outer() {}

    record Inner() {}

    record ClassDep() {}

    record MethodDep() {}

    record Param() {}

    private <T> Provided<T> open(String name, T value) {
      events.add("open " + name);
      return Provided.of(value, () -> events.add("close " + name));
    }

    @Provides
    Provided<AppDep> app() {
      return open("app", new AppDep());
    }

    @Provides
    Provided<Outer> outer() {
      return open("outer", new Outer());
    }

    @Provides
    Provided<Inner> inner() {
      return open("inner", new Inner());
    }

    @Provides
    Provided<ClassDep> classDep() {
      return open("class", new ClassDep());
    }

    @Provides
    Provided<MethodDep> methodDep() {
      return open("route", new MethodDep());
    }

    @Provides
    Provided<Param> param() {
      return open("param", new Param());
    }
  }

  @Requires(Recorder.ClassDep.class)
  static final class Ordered {
    private final List<String> events;

    Ordered(List<String> events) {
      this.events = events;
    }

    @Get("/x")
    @Requires(Recorder.MethodDep.class)
    String x(Recorder.Param p) {
      events.add("handler");
      return "ok";
    }
  }

  @Test
  void dependenciesRunAppThenGroupsOuterFirstThenClassRouteAndParametersAndCleanUpInReverse() {
    Recorder r = new Recorder();
    TypedApi api = TypedApi.builder().provider(r).require(Recorder.AppDep.class)
        .group("/outer", o -> o.require(Recorder.Outer.class)
            .group("/inner", i -> i.require(Recorder.Inner.class).controller(new Ordered(r.events))))
        .build();
    try (TestClient client = TestClient.start(api.install(App.builder()).build())) {
      assertThat(client.get("/outer/inner/x").status()).isEqualTo(200);
      Await.until(() -> r.events.contains("close app"), "the app's cleanup");
    }
    // FastAPI's order for app, routers and route (groups_app.py prints it), with the class's
    // @Requires between the groups' and the method's, as a router's own dependencies are.
    assertThat(r.events).containsExactly("open app", "open outer", "open inner", "open class", "open route",
        "open param", "handler", "close param", "close route", "close class", "close inner", "close outer",
        "close app");
  }

  record Org(long id) {}

  /** Reads the group prefix's {org_id}: a dependency's @Path is its snake_case name. */
  static final class Orgs {
    @Provides
    Org org(@Path @jakarta.validation.constraints.Min(1) long orgId) {
      if (orgId != 7) {
        throw new HttpException(404, "Org not found");
      }
      return new Org(orgId);
    }
  }

  static final class Projects {
    @Get("/projects")
    List<String> listProjects() { // needs the org only through the group
      return List.of("lanes");
    }

    @Get("/name")
    String orgName(Org org) {
      return "org " + org.id();
    }
  }

  @Test
  void aGroupsDependencyReadsThePrefixsPathParameter() {
    TypedApi api = TypedApi.builder().provider(new Orgs())
        .group("/orgs/{org_id}", g -> g.require(Org.class).controller(new Projects()))
        .build();
    try (TestClient client = TestClient.start(api.install(App.builder()).build())) {
      assertThat(client.get("/orgs/7/projects").text()).isEqualTo("[\"lanes\"]");
      assertThat(client.get("/orgs/7/name").text()).isEqualTo("\"org 7\"");
      TestResponse unknown = client.get("/orgs/8/projects");
      assertThat(unknown.status()).isEqualTo(404);
      assertThat(unknown.text()).isEqualTo("{\"detail\":\"Org not found\"}");
      TestResponse bad = client.get("/orgs/0/projects");
      assertThat(bad.status()).isEqualTo(422);
      assertThat(bad.text()).contains("\"type\":\"greater_than_equal\"").contains("\"loc\":[\"path\",\"org_id\"]");
    }
    JsonNode params = api.openApi().at("/paths/~1orgs~1{org_id}~1name/get/parameters");
    assertThat(params.findValuesAsText("name")).containsExactly("org_id");
    assertThat(params.at("/0/schema/minimum").asInt()).isEqualTo(1);
    // Outside a path that has {org_id}, the dependency cannot be used.
    assertThatThrownBy(() -> TypedApi.builder().provider(new Orgs())
        .group("/teams/{team_id}", g -> g.require(Org.class).controller(new Projects())).build())
        .hasMessageContaining("@Provides Orgs.org reads @Path 'org_id', which is not in the path");
  }

  static final class Overrides {
    @Get("")
    @ExtraResponse(status = 404, description = "No such thing")
    String one() {
      return "x";
    }
  }

  @Test
  void aRoutesOwnResponseReplacesItsGroupsAndInnerGroupsAddTheirs() {
    JsonNode doc = TypedApi.builder()
        .group("/a", a -> a.tags("a").response(404, Message.class).response(409, void.class, "Taken")
            .group("/b", b -> b.tags("b", "a").controller(new Overrides())))
        .build().openApi();
    JsonNode op = doc.at("/paths/~1a~1b/get");
    assertThat(op.get("tags").toString()).isEqualTo("[\"a\",\"b\"]");
    assertThat(op.at("/responses/404").toString()).isEqualTo("{\"description\":\"No such thing\"}");
    assertThat(op.at("/responses/409").toString()).isEqualTo("{\"description\":\"Taken\"}");
  }

  static final class NoSlash {
    @Get("items")
    String items() {
      return "x";
    }
  }

  static final class Empty {
    @Get("")
    String root() {
      return "x";
    }
  }

  @Test
  void aBadPrefixOrPathFailsTheBuildNamingIt() {
    TypedApi.Builder b = TypedApi.builder();
    assertThatThrownBy(() -> b.group("items", g -> { }))
        .hasMessage("route group prefix 'items' must start with '/'");
    assertThatThrownBy(() -> b.group("/items/", g -> { }))
        .hasMessageContaining("route group prefix '/items/' must not end with '/'");
    assertThatThrownBy(() -> b.group("/items?x=1", g -> { }))
        .hasMessageContaining("route group prefix '/items?x=1'");
    assertThatThrownBy(() -> b.group("/a/b{id}", g -> { }))
        .hasMessageContaining("route group prefix '/a/b{id}'").hasMessageContaining("whole segment");
    assertThatThrownBy(() -> b.group("/files/{rest:path}", g -> { }))
        .hasMessageContaining("route group prefix '/files/{rest:path}'");
    assertThatThrownBy(() -> b.group("/outer", o -> o.group("inner/", i -> { })))
        .hasMessageContaining("route group prefix 'inner/'");
    assertThatThrownBy(() -> b.group("/a", g -> g.response(404, Message.class).response(404, void.class)))
        .hasMessageContaining("route group '/a': response 404 is declared twice");
    assertThatThrownBy(() -> TypedApi.builder().group("/shop", g -> g.controller(new NoSlash())).build())
        .hasMessageContaining("GET \"items\" (NoSlash.items) in route group '/shop'")
        .hasMessageContaining("must start with '/'");
    assertThatThrownBy(() -> TypedApi.builder().controller(new Empty()).build())
        .hasMessageContaining("GET \"\" (Empty.root): the path is empty");
    // A prefix parameter the route does not bind is named, as a route's own is.
    assertThatThrownBy(() -> TypedApi.builder().group("/orgs/{org_id}", g -> g.controller(new Empty())).build())
        .hasMessageContaining("GET /orgs/{org_id}").hasMessageContaining("[org_id]");
    // A dependency no provider gives fails at build, naming the route.
    assertThatThrownBy(() -> TypedApi.builder().group("/a", g -> g.require(ValidKey.class).controller(new Empty()))
        .build()).hasMessageContaining("GET /a").hasMessageContaining(ValidKey.class.getName());
  }
}
