package dev.lanes.server;

import dev.lanes.App;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A server in a child JVM for {@link SignalHangTest}: a handler that never ends and ignores
 * interruption, on a lane ({@code lane}) or blocking its event loop ({@code loop}); grace 1 s.
 */
public final class SignalHangMain {
  private SignalHangMain() {}

  public static void main(String[] args) throws Exception {
    App.Builder b = App.builder();
    if (args[0].equals("loop")) {
      b.getAsync("/hang", req -> {
        hang();
        return CompletableFuture.failedFuture(new AssertionError("unreachable"));
      });
    } else {
      b.get("/hang", req -> {
        hang();
        throw new AssertionError("unreachable");
      });
    }
    App app = b.build();
    try (Server server = Server.start(app, ServerConfig.builder().port(0).shutdownGrace(Duration.ofSeconds(1)).build())) {
      System.out.println("PORT " + server.port());
      System.out.flush();
      server.awaitClose();
    }
    app.close();
  }

  private static void hang() {
    System.out.println("IN_HANDLER");
    System.out.flush();
    while (true) {
      try {
        Thread.sleep(Duration.ofDays(1));
      } catch (InterruptedException e) {
        // ignored: this handler never ends
      }
    }
  }
}
