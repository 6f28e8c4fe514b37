package dev.lanes.examples.tutorial;

import dev.lanes.App;
import dev.lanes.http.HttpException;
import dev.lanes.server.Server;
import dev.lanes.server.ServerConfig;
import dev.lanes.typed.Default;
import dev.lanes.typed.Get;
import dev.lanes.typed.Header;
import dev.lanes.typed.Provided;
import dev.lanes.typed.Provides;
import dev.lanes.typed.Query;
import dev.lanes.typed.Requires;
import dev.lanes.typed.TypedApi;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** Tutorial, dependencies: shared parameters, a session with cleanup, sub-dependencies, a check by @Requires. */
public final class Dependencies {
  private Dependencies() {}

  /** The query parameters several routes share. */
  record Page(Optional<String> q, int skip, int limit) {}

  /** Stands in for a database: counts the sessions it has open. */
  static final class Database {
    final AtomicInteger opened = new AtomicInteger();
    final AtomicInteger open = new AtomicInteger();

    Session openSession() {
      opened.incrementAndGet();
      open.incrementAndGet();
      return new Session(this);
    }
  }

  record Session(Database db) implements AutoCloseable {
    List<String> items() {
      return List.of("Portal Gun", "Plumbus", "Meeseeks Box");
    }

    @Override
    public void close() {
      db.open.decrementAndGet();
    }
  }

  /** Reads through a session: a dependency of a dependency. */
  record Repository(Session session) {
    List<String> find(Page page) {
      return session.items().stream()
          .filter(name -> page.q().map(name::contains).orElse(true))
          .skip(page.skip()).limit(page.limit())
          .toList();
    }
  }

  /** Proof that the X-Token header was right. */
  record TokenChecked() {}

  static final class Providers {
    private final Database db;

    Providers(Database db) {
      this.db = db;
    }

    @Provides
    Page page(@Query Optional<String> q, @Query @Default("0") int skip, @Query @Default("100") int limit) {
      return new Page(q, skip, limit);
    }

    @Provides
    Provided<Session> session() {
      Session session = db.openSession();
      return Provided.of(session, session); // closed after the response is sent
    }

    @Provides
    Repository repository(Session session) {
      return new Repository(session);
    }

    @Provides
    TokenChecked token(@Header String xToken) {
      if (!xToken.equals("fake-super-secret-token")) {
        throw new HttpException(400, "X-Token header invalid");
      }
      return new TokenChecked();
    }
  }

  static final class Routes {
    @Get("/items")
    List<String> readItems(Repository repository, Page page) {
      return repository.find(page);
    }

    @Get("/users")
    Page readUsers(Page page) {
      return page;
    }

    @Get("/secret-items")
    @Requires(TokenChecked.class)
    List<String> readSecretItems(Repository repository, Page page) {
      return repository.find(page);
    }
  }

  static App app(Database db) {
    TypedApi api = TypedApi.builder().title("Dependencies").provider(new Providers(db)).controller(new Routes()).build();
    return api.install(App.builder()).build();
  }

  public static void main(String[] args) throws InterruptedException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8000;
    try (Server server = Server.start(app(new Database()), ServerConfig.builder().port(port).build())) {
      server.awaitClose();
    }
  }
}
