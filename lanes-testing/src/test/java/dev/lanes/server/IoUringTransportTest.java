package dev.lanes.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.concurrency.Lane;
import dev.lanes.concurrency.Lanes;
import dev.lanes.http.Response;
import dev.lanes.streaming.StreamingResponse;
import dev.lanes.testing.Await;
import dev.lanes.testing.RawClient;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server on the io_uring transport, chosen with {@link IoTransport#IO_URING}: skipped where the
 * kernel has none. The faults Netty's io_uring has and epoll has not are what it checks.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IoUringTransportTest {
  private static final String GET_HANG = "GET /hang HTTP/1.1\r\nHost: x\r\n\r\n";

  @Test
  void servesKeepAliveRequestsAndNamesItsTransport() throws Exception {
    App app = App.builder().get("/hello", req -> Response.text("hello")).build();
    try (app; Server server = start(app); RawClient c = RawClient.connect(server.port())) {
      assertThat(server.transport()).isEqualTo("io_uring");
      for (int i = 0; i < 3; i++) {
        assertThat(c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n").read().text()).isEqualTo("hello");
      }
    }
  }

  @Test
  void aClientWhoseRequestAndResetArriveTogetherIsClosedAndItsWorkCancelled() throws Exception {
    int clients = 5;
    AtomicInteger started = new AtomicInteger();
    AtomicInteger interrupted = new AtomicInteger();
    App app = App.builder().get("/hang", req -> {
      started.incrementAndGet();
      try {
        new CountDownLatch(1).await(); // until the disconnect cancels it
      } catch (InterruptedException e) {
        interrupted.incrementAndGet();
        throw e;
      }
      return Response.text("never");
    }).build();
    try (app; Server server = start(app)) {
      for (int i = 0; i < clients; i++) {
        // Request and RST in one go: the server reads both before it first looks at the socket.
        // Netty's multishot poll reported such a socket once, so the reset was never read.
        try (Socket s = new Socket("127.0.0.1", server.port())) {
          s.setSoLinger(true, 0);
          s.getOutputStream().write(GET_HANG.getBytes(StandardCharsets.US_ASCII));
        }
      }
      Lane endpoints = app.lanes().get(Lanes.ENDPOINTS);
      Await.until(() -> server.statistics().connections() == 0, "the reset connections closed");
      // A request whose reset is seen before its handler starts never starts; one that started is interrupted.
      Await.until(() -> server.inFlight() == 0 && endpoints.statistics().borrowed() == 0
          && interrupted.get() == started.get(), "every handler that started interrupted, its token back");
    }
  }

  @Test
  void aStreamCutByItsSourceStillDeliversWhatWasSentBeforeTheCut() throws Exception {
    App app = App.builder().get("/s", req -> StreamingResponse.of(new FailingAfterOne(), "text/plain")).build();
    try (app; Server server = start(app); RawClient c = RawClient.connect(server.port())) {
      // The close follows the chunk's write: io_uring completes a flushed write later, and a
      // close dropped what it still held.
      RawClient.Transcript t = c.send("GET /s HTTP/1.1\r\nHost: x\r\n\r\n").readUntilClosed();
      assertThat(t.closed()).isTrue();
      assertThat(t.text()).startsWith("HTTP/1.1 200").contains("first").doesNotContain("\r\n0\r\n\r\n");
    }
  }

  @Test
  void aConnectionWhoseTlsHandshakeFailedIsClosed() throws Exception {
    App app = App.builder().get("/p", req -> Response.text("p")).build();
    Tls tls = Tls.selfSigned("localhost");
    try (app; Server server = start(app, ServerConfig.builder().tlsPort(0).tls(tls));
        Socket s = new Socket("127.0.0.1", server.tlsPort().getAsInt())) {
      // Cleartext to the TLS port: the handshake fails at the first byte and the server closes.
      // The close waited for a write, a read asked for meanwhile armed a poll the close missed,
      // and that poll kept the socket open after its descriptor was closed.
      s.setSoTimeout(10_000);
      s.getOutputStream().write("GET /p HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      byte[] rest = s.getInputStream().readAllBytes(); // returns at the close; a timeout fails the test
      assertThat(new String(rest, StandardCharsets.ISO_8859_1)).doesNotContain("HTTP/1.1");
      Await.until(() -> server.statistics().connections() == 0, "the connection counted closed");
    }
  }

  @Test
  void theWatchdogSleepsOnceTheLastConnectionLeaves() throws Exception {
    App app = App.builder().get("/p", req -> Response.text("p")).build();
    Set<Thread> before = watchdogs();
    try (app; Server server = start(app, ServerConfig.builder().ioThreads(1))) {
      Thread watchdog = watchdogs().stream().filter(t -> !before.contains(t)).findFirst().orElseThrow();
      try (RawClient c = RawClient.connect(server.port())) {
        assertThat(c.send("GET /p HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").readUntilClosed().closed())
            .isTrue();
      }
      // A loop with no connection left lets the watchdog sleep; Netty's count of io_uring
      // registrations never fell, so the loop never looked idle.
      Await.until(() -> {
        Object blocker = LockSupport.getBlocker(watchdog);
        return blocker != null && blocker.getClass().getSimpleName().equals("WatchdogSleep");
      }, "the watchdog asleep");
    }
  }

  private static Set<Thread> watchdogs() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("lanes-watchdog"))
        .collect(Collectors.toSet());
  }

  private static Server start(App app) {
    return start(app, ServerConfig.builder());
  }

  private static Server start(App app, ServerConfig.Builder config) {
    try {
      return Server.start(app, config.port(0).transport(IoTransport.IO_URING).stopOnSignal(false).build());
    } catch (IllegalStateException e) {
      Assumptions.assumeTrue(!String.valueOf(e.getMessage()).contains("io_uring is unavailable"), e.getMessage());
      throw e;
    }
  }

  /** One line, then a failure: the source breaks mid-stream. */
  private static final class FailingAfterOne implements Iterator<String> {
    private boolean sent;

    @Override
    public boolean hasNext() {
      if (sent) {
        throw new IllegalStateException("source failed midway");
      }
      return true;
    }

    @Override
    public String next() {
      if (sent) {
        throw new NoSuchElementException();
      }
      sent = true;
      return "first\n";
    }
  }
}
