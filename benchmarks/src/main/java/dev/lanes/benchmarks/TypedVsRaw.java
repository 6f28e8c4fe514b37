package dev.lanes.benchmarks;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lanes.App;
import dev.lanes.http.HttpException;
import dev.lanes.http.Request;
import dev.lanes.http.Response;
import dev.lanes.server.Server;
import dev.lanes.server.ServerConfig;
import dev.lanes.typed.ApiKey;
import dev.lanes.typed.ApiKeyAuth;
import dev.lanes.typed.Body;
import dev.lanes.typed.Default;
import dev.lanes.typed.Get;
import dev.lanes.typed.Post;
import dev.lanes.typed.Provides;
import dev.lanes.typed.Query;
import dev.lanes.typed.Requires;
import dev.lanes.typed.TypedApi;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The items contract's {@code POST /items} (a validated 5-field body) and {@code GET /items}
 * (3 validated query parameters), behind an API key, written twice on one server for
 * {@code benchmarks/typed.sh}: typed ({@code /typed/items}) and raw ({@code /raw/items}: the
 * app's JSON codec and hand-written checks, as a Lanes user writes it without the typed layer).
 * Both are blocking handlers in the {@code endpoints} lane, as FastAPI's {@code def} routes run
 * in its thread pool.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.lanes.benchmarks.TypedVsRaw [port]}
 */
public final class TypedVsRaw {
  private TypedVsRaw() {}

  enum Category {
    @JsonProperty("tools") TOOLS,
    @JsonProperty("books") BOOKS,
    @JsonProperty("games") GAMES
  }

  record ItemIn(
      @Size(min = 1, max = 50) String name,
      @Positive double price,
      @Default("[]") List<String> tags,
      @Default("tools") Category category,
      @Size(max = 300) Optional<String> description) {}

  record Item(long id, String name, double price, List<String> tags, Category category, Optional<String> description) {}

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

  /** One store per style, so each is measured on the same data. */
  static final class Store {
    final Map<Long, Item> items = new ConcurrentSkipListMap<>();
    final AtomicLong ids = new AtomicLong();

    Item add(String name, double price, List<String> tags, Category category, Optional<String> description) {
      long id = ids.incrementAndGet();
      Item item = new Item(id, name, price, tags, category, description);
      items.put(id, item);
      return item;
    }

    List<Item> list(int limit, int offset, Optional<String> q) {
      return items.values().stream().filter(i -> q.map(i.name()::contains).orElse(true))
          .skip(offset).limit(limit).toList();
    }
  }

  @Requires(ValidKey.class)
  static final class Typed {
    final Store store = new Store();

    @Post(value = "/typed/items", status = 201)
    Item create(@Body ItemIn in) {
      return store.add(in.name(), in.price(), in.tags(), in.category(), in.description());
    }

    @Get("/typed/items")
    List<Item> list(@Query @Min(1) @Max(100) @Default("10") int limit, @Query @Min(0) @Default("0") int offset,
        @Query @Size(max = 20) Optional<String> q) {
      return store.list(limit, offset, q);
    }
  }

  /** The raw body: Jackson fills it, the handler checks it. */
  record RawItemIn(String name, Double price, List<String> tags, Category category, String description) {}

  static final class Raw {
    final Store store = new Store();

    Response create(Request req) {
      key(req);
      RawItemIn in = req.json(RawItemIn.class);
      List<String> errors = new ArrayList<>();
      if (in.name() == null || in.name().isEmpty() || in.name().length() > 50) {
        errors.add("name must be 1..50 characters");
      }
      if (in.price() == null || !(in.price() > 0) || in.price().isInfinite()) {
        errors.add("price must be > 0");
      }
      if (in.description() != null && in.description().length() > 300) {
        errors.add("description must be at most 300 characters");
      }
      if (!errors.isEmpty()) {
        return Response.json(Map.of("detail", errors)).withStatus(422);
      }
      return Response.json(store.add(in.name(), in.price(), in.tags() == null ? List.of() : in.tags(),
          in.category() == null ? Category.TOOLS : in.category(), Optional.ofNullable(in.description())))
          .withStatus(201);
    }

    Response list(Request req) {
      key(req);
      int limit = req.query().getInt("limit", 10);
      int offset = req.query().getInt("offset", 0);
      Optional<String> q = req.query().optional("q");
      List<String> errors = new ArrayList<>();
      if (limit < 1 || limit > 100) {
        errors.add("limit must be 1..100");
      }
      if (offset < 0) {
        errors.add("offset must be >= 0");
      }
      if (q.isPresent() && q.get().length() > 20) {
        errors.add("q must be at most 20 characters");
      }
      if (!errors.isEmpty()) {
        return Response.json(Map.of("detail", errors)).withStatus(422);
      }
      return Response.json(store.list(limit, offset, q));
    }

    private static void key(Request req) {
      if (!req.header("x-api-key").orElse("").equals("secret")) {
        throw new HttpException(401, "Invalid API key");
      }
    }
  }

  static App app() {
    Raw raw = new Raw();
    TypedApi typed = TypedApi.builder()
        .provider(ApiKeyAuth.header("X-API-Key").refusal(new HttpException(401, "Invalid API key")))
        .provider(new KeyCheck())
        .controller(new Typed())
        .build();
    return typed.install(App.builder())
        .post("/raw/items", raw::create)
        .get("/raw/items", raw::list)
        .getAsync("/plaintext", req -> CompletableFuture.completedFuture(Response.text("Hello, World!")))
        .build();
  }

  public static void main(String[] args) throws InterruptedException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8083;
    App app = app();
    try (Server server = Server.start(app, ServerConfig.builder().host("127.0.0.1").port(port).build())) {
      server.awaitClose();
    } finally {
      app.close();
    }
  }
}
