package dev.lanes.server;

import dev.lanes.App;
import dev.lanes.http.Response;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A server in a child JVM for {@link SignalDuringStartupTest}: the README's pattern, with a
 * startup hook that prints {@code IN_STARTUP} and waits for a line on standard input (a slow
 * database connection) before it puts its state; the shutdown hook prints {@code SHUTDOWN_HOOK}.
 * Grace 1 s.
 */
public final class SignalDuringStartupMain {
  record Pool(String name) {}

  private SignalDuringStartupMain() {}

  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    App app = App.builder()
        .onStartup(s -> {
          System.out.println("IN_STARTUP");
          System.out.flush();
          in.readLine(); // the test answers once it has sent the signal (or never)
          s.put(Pool.class, new Pool("db"));
        })
        .onShutdown(s -> {
          System.out.println("SHUTDOWN_HOOK " + s.find(Pool.class).map(Pool::name).orElse("none"));
          System.out.flush();
        })
        .get("/", req -> Response.text("up"))
        .build();
    try (Server server = Server.start(app, ServerConfig.builder().host("127.0.0.1").port(0)
        .shutdownGrace(Duration.ofSeconds(1)).build())) {
      System.out.println("PORT " + server.port());
      System.out.flush();
      server.awaitClose();
    }
    app.close();
    System.out.println("MAIN_RETURNED");
    System.out.flush();
  }
}
