package dev.lanes.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.server.ServerConfig;
import dev.lanes.streaming.StreamingResponse;
import dev.lanes.testing.Await;
import dev.lanes.testing.TestClient;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A client that does not read one stream stops that stream's producer, and nothing else. */
@Timeout(60)
class Http2FlowControlTest {
  private static final int CHUNK = 8 * 1024;
  private static final int TOTAL = 4 << 20;

  @Test
  void aClosedWindowBlocksTheProducerAtABoundedCostWhileOtherStreamsGoOn() throws Exception {
    AtomicLong produced = new AtomicLong();
    AtomicReference<Thread> producer = new AtomicReference<>();
    App app = App.builder()
        .get("/big", req -> StreamingResponse.writer(out -> {
          producer.set(Thread.currentThread());
          for (int i = 0; i < TOTAL; i += CHUNK) {
            out.write(new byte[CHUNK]);
            produced.addAndGet(CHUNK);
          }
        }, "application/octet-stream"))
        .get("/small", req -> Response.text("small"))
        .build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().h2c(true));
        H2Client client = H2Client.connect(server.port())) {
      client.widenConnectionWindow(); // only the stream's own 64 KiB window can stop the server
      H2Client.Stream big = client.open(H2Client.request("GET", "/big"), null, false);
      Await.until(() -> producer.get() != null && producer.get().getState() == Thread.State.WAITING,
          "producer blocked on the stream's window");
      // window (64 KiB) + the bytes allowed to wait for it + the chunk being written
      assertThat(produced.get()).isLessThanOrEqualTo(64 * 1024 + 64 * 1024 + CHUNK).isLessThan(TOTAL);
      assertThat(client.get("/small").text()).as("another stream on the same connection").isEqualTo("small");
      big.read();
      assertThat(big.body()).hasSize(TOTAL);
    }
  }
}
