package dev.lanes.lifespan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.server.Server;
import dev.lanes.server.ServerConfig;
import dev.lanes.testing.TestClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Startup and shutdown hooks with typed state; a failed startup never accepts. */
class LifespanTest {
  record Greeting(String text) {}

  @Test
  void startupStateReachesHandlersAndShutdownRunsNewestFirst() {
    List<String> log = new CopyOnWriteArrayList<>();
    App.Builder b = App.builder();
    AppState state = b.state();
    App app = b
        .onStartup(s -> {
          log.add("start 1");
          s.put(Greeting.class, new Greeting("hello"));
        })
        .onStartup(s -> log.add("start 2"))
        .onShutdown(s -> log.add("stop 1 " + s.get(Greeting.class).text()))
        .onShutdown(s -> log.add("stop 2"))
        .get("/", req -> Response.text(state.get(Greeting.class).text()))
        .build();
    try (TestClient client = TestClient.start(app)) {
      assertThat(client.get("/").text()).isEqualTo("hello");
      assertThat(app.state(Greeting.class).text()).isEqualTo("hello");
      assertThat(log).containsExactly("start 1", "start 2");
    }
    assertThat(log).containsExactly("start 1", "start 2", "stop 2", "stop 1 hello");
  }

  @Test
  void failedStartupThrowsClearlyRunsShutdownAndNeverListens() throws IOException {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    List<String> log = new CopyOnWriteArrayList<>();
    App app = App.builder()
        .onStartup(s -> log.add("start 1"))
        .onStartup(s -> {
          throw new IllegalStateException("database unreachable");
        })
        .onShutdown(s -> log.add("stop"))
        .build();
    try (app) {
      assertThatThrownBy(() -> Server.start(app, ServerConfig.builder().port(port).build()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("did not start")
          .hasMessageContaining("startup hook 2 of 2 failed")
          .hasMessageContaining("database unreachable");
    }
    assertThat(log).containsExactly("start 1", "stop");
    assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(IOException.class);
  }

  @Test
  void missingStateSaysWhatIsThere() {
    AppState s = AppState.create().put(Greeting.class, new Greeting("x"));
    assertThatThrownBy(() -> s.get(String.class))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("java.lang.String")
        .hasMessageContaining("Greeting");
  }

  @Test
  void aShutdownHookThatThrowsLetsTheOthersRunAndTheCloseEnds() {
    List<String> log = new CopyOnWriteArrayList<>();
    App app = App.builder()
        .onShutdown(s -> log.add("close pool"))
        .onShutdown(s -> {
          throw new IllegalStateException("cache flush failed");
        })
        .onShutdown(s -> log.add("close client"))
        .build();
    TestClient.start(app).close(); // returns: the failure is logged, not thrown
    assertThat(log).containsExactly("close client", "close pool");
  }
}
