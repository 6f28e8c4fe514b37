package dev.lanes.typed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanes.App;
import dev.lanes.http.HttpException;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * OAuth2 scopes checked per route (FastAPI's {@code Security(..., scopes=[...])} and
 * {@code SecurityScopes}): declared by a route group, a handler and a dependency's parameter,
 * delivered as their union to the provider that checks the token, and documented per operation.
 * {@code scopes-openapi-fastapi.json} is the document FastAPI 0.142.2 writes for
 * {@code benchmarks/fastapi/scopes_app.py}, whose routes {@link #api} repeats; that script also
 * prints what each token gets from each route.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ScopesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, List<String>> TOKENS = Map.of(
      "alice", List.of("me", "items", "items:write"), "bob", List.of("me", "items"), "carol", List.of("me"));

  record User(String username) {}

  record ActiveUser(String username) {}

  record Item(String name) {}

  /** Checks the token's scopes against those the route requires, and records what it was asked. */
  static final class Auth {
    final List<List<String>> asked = new CopyOnWriteArrayList<>();

    @Provides
    User user(SecurityScopes required, BearerToken token) {
      asked.add(required.scopes());
      List<String> granted = TOKENS.get(token.value());
      if (granted == null) {
        throw new HttpException(401, "Could not validate credentials", Map.of("WWW-Authenticate", required.challenge()));
      }
      required.check(granted);
      return new User(token.value());
    }

    @Provides
    ActiveUser active(@Scopes("me") User user) {
      return new ActiveUser(user.username());
    }
  }

  static final class Items {
    @Get("")
    List<Item> readItems(ActiveUser user) {
      return List.of(new Item("plumbus"));
    }

    @Scopes("items:write")
    @Post(value = "", status = 201)
    Item createItem(@Body Item item, ActiveUser user) {
      return item;
    }
  }

  static final class Users {
    @Get("/users/me")
    User readMe(ActiveUser user) {
      return new User(user.username());
    }

    @Get("/status")
    String readStatus(User user) {
      return "ok";
    }
  }

  private static OAuth2PasswordBearer scheme() {
    return OAuth2PasswordBearer.tokenUrl("token")
        .scope("me", "Read information about the current user.")
        .scope("items", "Read items.")
        .scope("items:write", "Create items.");
  }

  private static TypedApi api(Auth auth) {
    return TypedApi.builder().title("Scopes")
        .provider(scheme()).provider(auth)
        .controller(new Users())
        .group("/items", g -> g.tags("items").require(User.class).scopes("items").controller(new Items()))
        .build();
  }

  private static TestResponse send(TestClient client, String method, String path, String token) {
    HttpRequest.Builder r = client.request(path).method(method, method.equals("POST")
        ? HttpRequest.BodyPublishers.ofString("{\"name\":\"x\"}") : HttpRequest.BodyPublishers.noBody());
    r.header("content-type", "application/json");
    if (token != null) {
      r.header("Authorization", "Bearer " + token);
    }
    return client.send(r);
  }

  @Test
  void aTokenWithoutARequiredScopeGets401NamingTheScopes() throws IOException {
    Auth auth = new Auth();
    try (TestClient client = TestClient.start(api(auth).install(App.builder()).build())) {
      TestResponse none = send(client, "GET", "/items", null);
      assertThat(none.status()).isEqualTo(401);
      assertThat(none.header("www-authenticate")).hasValue("Bearer");
      assertThat(none.json().get("detail").asText()).isEqualTo("Not authenticated");

      TestResponse carol = send(client, "GET", "/items", "carol");
      assertThat(carol.status()).isEqualTo(401);
      assertThat(carol.json().get("detail").asText()).isEqualTo("Not enough permissions");
      assertThat(carol.header("www-authenticate")).hasValue("Bearer scope=\"items me\"");

      TestResponse bob = send(client, "POST", "/items", "bob");
      assertThat(bob.status()).isEqualTo(401);
      assertThat(bob.header("www-authenticate")).hasValue("Bearer scope=\"items items:write me\"");

      TestResponse stranger = send(client, "GET", "/users/me", "nobody");
      assertThat(stranger.status()).isEqualTo(401);
      assertThat(stranger.json().get("detail").asText()).isEqualTo("Could not validate credentials");
      assertThat(stranger.header("www-authenticate")).hasValue("Bearer scope=\"me\"");
    }
  }

  @Test
  void aTokenWithTheScopesGetsThrough() throws IOException {
    Auth auth = new Auth();
    try (TestClient client = TestClient.start(api(auth).install(App.builder()).build())) {
      TestResponse read = send(client, "GET", "/items", "bob");
      assertThat(read.status()).as(read.text()).isEqualTo(200);
      assertThat(read.text()).isEqualTo("[{\"name\":\"plumbus\"}]");
      TestResponse created = send(client, "POST", "/items", "alice");
      assertThat(created.status()).as(created.text()).isEqualTo(201);
      assertThat(created.text()).isEqualTo("{\"name\":\"x\"}");
      assertThat(send(client, "GET", "/users/me", "carol").text()).isEqualTo("{\"username\":\"carol\"}");
      assertThat(send(client, "GET", "/status", "carol").status()).isEqualTo(200);
    }
  }

  @Test
  void theCheckingProviderGetsTheUnionOfGroupHandlerAndDependencyScopesOncePerRequest() {
    Auth auth = new Auth();
    try (TestClient client = TestClient.start(api(auth).install(App.builder()).build())) {
      // group "items", handler "items:write", ActiveUser's parameter "me"; User is required by
      // the group and by ActiveUser, and runs once
      assertThat(send(client, "POST", "/items", "alice").status()).isEqualTo(201);
      assertThat(auth.asked).containsExactly(List.of("items", "items:write", "me"));
      auth.asked.clear();
      assertThat(send(client, "GET", "/users/me", "alice").status()).isEqualTo(200);
      assertThat(auth.asked).containsExactly(List.of("me"));
      auth.asked.clear();
      assertThat(send(client, "GET", "/status", "alice").status()).isEqualTo(200);
      assertThat(auth.asked).containsExactly(List.of());
    }
  }

  @Test
  void theDocumentListsEachOperationsScopesAsFastApis() throws IOException {
    JsonNode expected;
    try (InputStream in = ScopesTest.class.getResourceAsStream("/typed/scopes-openapi-fastapi.json")) {
      expected = JSON.readTree(in);
    }
    JsonNode actual = api(new Auth()).openApi();
    java.nio.file.Files.writeString(java.nio.file.Path.of("target/scopes-openapi-lanes.json"), actual.toPrettyString());
    assertThat(actual.at("/paths/~1items/post/security").toString())
        .isEqualTo("[{\"OAuth2PasswordBearer\":[\"items\",\"items:write\",\"me\"]}]");
    assertThat(actual.at("/paths/~1status/get/security").toString()).isEqualTo("[{\"OAuth2PasswordBearer\":[]}]");
    assertThat(actual.get("paths")).isEqualTo(expected.get("paths"));
    assertThat(actual).isEqualTo(expected);
  }

  record Writer(String username) {}

  /** A provider method's own scopes reach what it depends on. */
  static final class Writers {
    @Provides
    @Scopes("items:write")
    Writer writer(User user) {
      return new Writer(user.username());
    }
  }

  /** A class's scopes reach every route of it; an async handler sees its route's own scopes. */
  @Scopes("items")
  static final class AsyncItems {
    @Get("/async")
    java.util.concurrent.CompletionStage<List<String>> mine(SecurityScopes own, Writer writer) {
      return java.util.concurrent.CompletableFuture.completedFuture(own.scopes());
    }
  }

  @Test
  void providerAndClassScopesReachTheCheckOnAnAsyncRoute() {
    Auth auth = new Auth();
    TypedApi api = TypedApi.builder().provider(scheme()).provider(auth).provider(new Writers())
        .controller(new AsyncItems()).build();
    assertThat(api.openApi().at("/paths/~1async/get/security").toString())
        .isEqualTo("[{\"OAuth2PasswordBearer\":[\"items\",\"items:write\"]}]");
    try (TestClient client = TestClient.start(api.install(App.builder()).build())) {
      TestResponse bob = send(client, "GET", "/async", "bob");
      assertThat(bob.status()).isEqualTo(401);
      assertThat(bob.header("www-authenticate")).hasValue("Bearer scope=\"items items:write\"");
      TestResponse alice = send(client, "GET", "/async", "alice");
      assertThat(alice.status()).as(alice.text()).isEqualTo(200);
      assertThat(alice.text()).isEqualTo("[\"items\"]");
      assertThat(auth.asked).containsExactly(List.of("items", "items:write"), List.of("items", "items:write"));
    }
  }

  static final class Admin {
    @Scopes("admin")
    @Get("/admin")
    String admin(User user) {
      return "ok";
    }
  }

  @Test
  void aScopeTheSchemeDoesNotDeclareFailsTheBuild() {
    assertThatThrownBy(() -> TypedApi.builder().provider(scheme()).provider(new Auth()).controller(new Admin()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("GET /admin (Admin.admin): scope 'admin' is not declared on OAuth2PasswordBearer"
            + " (declared: [me, items, items:write])");
  }

  static final class Unchecked {
    @Get("/mine")
    String mine(@Scopes("me") BearerToken token) {
      return "ok";
    }
  }

  @Test
  void aScopeNoProviderChecksFailsTheBuild() {
    assertThatThrownBy(() -> TypedApi.builder().provider(scheme()).controller(new Unchecked()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("GET /mine (Unchecked.mine): scopes [me] reach no dependency that takes SecurityScopes");
  }

  static final class OnAQuery {
    @Get("/q")
    String q(@Scopes("me") @Query String q, User user) {
      return q;
    }
  }

  static final class OnTheScopes {
    @Get("/s")
    String s(@Scopes("me") SecurityScopes own, User user) {
      return "ok";
    }
  }

  @Test
  void scopesGoOnDependenciesAndNamesAreScopeTokens() {
    assertThatThrownBy(() -> TypedApi.builder().provider(scheme()).provider(new Auth()).controller(new OnTheScopes()).build())
        .hasMessageContaining("@Scopes goes on a dependency parameter");
    assertThatThrownBy(() -> TypedApi.builder().provider(scheme()).provider(new Auth()).controller(new OnAQuery()).build())
        .hasMessageContaining("@Scopes goes on a dependency parameter");
    assertThatThrownBy(() -> OAuth2PasswordBearer.tokenUrl("token").scope("items read", "Read items."))
        .hasMessageContaining("scope 'items read' is not an OAuth2 scope");
    assertThatThrownBy(() -> TypedApi.builder().group("/x", g -> g.scopes("")))
        .hasMessageContaining("route group '/x': scope '' is not an OAuth2 scope");
  }
}
