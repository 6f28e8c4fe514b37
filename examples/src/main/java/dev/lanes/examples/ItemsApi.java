package dev.lanes.examples;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lanes.App;
import dev.lanes.http.HttpException;
import dev.lanes.typed.ApiKey;
import dev.lanes.typed.ApiKeyAuth;
import dev.lanes.typed.Body;
import dev.lanes.typed.Default;
import dev.lanes.typed.Delete;
import dev.lanes.typed.Doc;
import dev.lanes.typed.Get;
import dev.lanes.typed.Path;
import dev.lanes.typed.Post;
import dev.lanes.typed.Provides;
import dev.lanes.typed.Put;
import dev.lanes.typed.Query;
import dev.lanes.typed.Requires;
import dev.lanes.typed.TypedApi;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The "items" CRUD contract with the typed layer, the same as FastAPI's in
 * {@code benchmarks/fastapi/items_app.py} (held against it by {@code ItemsApiTest}): validated
 * bodies and parameters, an API key from {@code X-API-Key} on every route, and the OpenAPI
 * document at {@code /openapi.json} with Swagger UI at {@code /docs} and ReDoc at {@code /redoc}.
 *
 * <ul>
 *   <li>{@code POST /items} ({@link ItemIn}) → 201 {@link Item}, ids 1, 2, 3, ...</li>
 *   <li>{@code GET /items/{item_id}} → {@link Item} or 404 {@code {"detail":"Item not found"}}</li>
 *   <li>{@code GET /items?limit=&offset=&q=&tag=} → the items whose name contains {@code q} and that have every tag</li>
 *   <li>{@code PUT /items/{item_id}} ({@link ItemIn}) → {@link Item} or 404; {@code DELETE /items/{item_id}} → 204 or 404</li>
 * </ul>
 * Without the key (env {@code API_KEY}, default {@code secret}): 401 {@code {"detail":"Invalid API key"}}.
 */
final class ItemsApi {
  private ItemsApi() {}

  /** What an item is about. */
  enum Category {
    @JsonProperty("tools") TOOLS,
    @JsonProperty("books") BOOKS,
    @JsonProperty("games") GAMES
  }

  /** An item as a client sends it. */
  record ItemIn(
      @Size(min = 1, max = 50) @Doc(description = "What the item is called", examples = "\"hammer\"") String name,
      @Positive @Doc(description = "In euros", examples = "9.5") double price,
      @Default("[]") List<String> tags,
      @Default("tools") Category category,
      @Size(max = 300) Optional<String> description) {}

  /** An item as stored and returned. */
  record Item(long id, String name, double price, List<String> tags, Category category, Optional<String> description) {
    static Item of(long id, ItemIn in) {
      return new Item(id, in.name(), in.price(), in.tags(), in.category(), in.description());
    }
  }

  /** Proof that the request carried the right key; routes require it without using it. */
  record ValidKey() {}

  /** Checks the key of {@code X-API-Key} (read by {@link ApiKeyAuth}, the document's security scheme) against the configured one. */
  static final class KeyCheck {
    private static final ValidKey VALID = new ValidKey();
    private static final HttpException INVALID = new HttpException(401, "Invalid API key");
    private final String key;

    KeyCheck(String key) {
      this.key = key;
    }

    @Provides
    ValidKey check(ApiKey given) {
      if (!given.value().equals(key)) {
        throw INVALID;
      }
      return VALID;
    }
  }

  /** The routes, over an in-memory store. */
  @Requires(ValidKey.class)
  static final class Items {
    private final Map<Long, Item> items = new ConcurrentSkipListMap<>();
    private final AtomicLong ids = new AtomicLong();

    @Post(value = "/items", status = 201)
    Item createItem(@Body ItemIn item) {
      long id = ids.incrementAndGet();
      Item created = Item.of(id, item);
      items.put(id, created);
      return created;
    }

    @Get("/items/{item_id}")
    Item readItem(@Path @Min(1) @Doc(description = "The item's id, as created", examples = "1") long itemId) {
      return found(items.get(itemId));
    }

    @Get("/items")
    List<Item> listItems(
        @Query @Min(1) @Max(100) @Default("10") @Doc(description = "How many items to return at most") int limit,
        @Query @Min(0) @Default("0") @Doc(description = "How many items to skip first") int offset,
        @Query @Size(max = 20) @Doc(description = "Text the item's name contains", examples = "\"ham\"") Optional<String> q,
        @Query @Default("[]") List<String> tag) {
      return items.values().stream()
          .filter(i -> q.map(i.name()::contains).orElse(true))
          .filter(i -> i.tags().containsAll(tag))
          .skip(offset).limit(limit)
          .toList();
    }

    @Put("/items/{item_id}")
    Item replaceItem(@Path @Min(1) long itemId, @Body ItemIn item) {
      found(items.get(itemId));
      Item replaced = Item.of(itemId, item);
      items.put(itemId, replaced);
      return replaced;
    }

    @Delete(value = "/items/{item_id}", status = 204)
    void deleteItem(@Path @Min(1) long itemId) {
      found(items.remove(itemId));
    }

    private static Item found(Item item) {
      if (item == null) {
        throw new HttpException(404, "Item not found");
      }
      return item;
    }
  }

  /** The typed API of the contract, with its own store. */
  static TypedApi api(String key) {
    return TypedApi.builder()
        .title("Items")
        .server("/")
        .provider(ApiKeyAuth.header("X-API-Key").refusal(KeyCheck.INVALID))
        .provider(new KeyCheck(Objects.requireNonNull(key, "key")))
        .controller(new Items())
        .build();
  }

  /** Adds the contract's routes, {@code /openapi.json}, {@code /docs} and {@code /redoc} to {@code app}. */
  static App.Builder addTo(App.Builder app, String key) {
    return api(key).install(app);
  }

  /** The key from env {@code API_KEY}, {@code secret} if unset. */
  static String keyFromEnv() {
    return System.getenv().getOrDefault("API_KEY", "secret");
  }
}
