package dev.lanes.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.server.ServerConfig;
import dev.lanes.streaming.StreamingResponse;
import dev.lanes.testing.TestClient;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The length of a stream's body is the server's to say: a handler's {@code Content-Length} that
 * disagreed with the DATA frames would make the stream malformed (RFC 9113 8.1.1), and a client
 * that checks, as Netty's does, resets it.
 */
@Timeout(60)
class Http2ResponseFramingTest {

  @Test
  void aHandlersContentLengthNeverContradictsTheBodySent() throws Exception {
    App app = App.builder()
        .get("/streamed", req -> StreamingResponse.writer(
            out -> out.write("hello world".getBytes(StandardCharsets.UTF_8)), "text/plain")
            .withHeader("Content-Length", "5"))
        .get("/bytes", req -> Response.text("hello world").withHeader("Content-Length", "5"))
        .build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().h2c(true));
        H2Client client = H2Client.connect(server.port())) {
      H2Client.Stream streamed = client.get("/streamed");
      Http2Headers head = streamed.headers.get(10, TimeUnit.SECONDS);
      assertThat(head.getAll("content-length")).isEmpty(); // unknown until the stream ends
      assertThat(streamed.text()).isEqualTo("hello world");

      H2Client.Stream bytes = client.get("/bytes");
      assertThat(bytes.headers.get(10, TimeUnit.SECONDS).getAll("content-length")).extracting(CharSequence::toString)
          .containsExactly("11");
      assertThat(bytes.text()).isEqualTo("hello world");
    }
  }

  /**
   * 204, 205 and 304 have no content (RFC 9110 6.4.1; 15.3.6: a server MUST NOT generate content
   * in a 205), whatever body the handler gave, and a 204 has no content-length (8.6): HEADERS end
   * the stream, with HTTP/1.1's fields (a 205 says content-length 0, a 304 keeps the handler's).
   */
  @Test
  void statusesWithoutContentEndTheStreamWithTheirHeaders() throws Exception {
    App app = App.builder()
        .get("/204", req -> Response.status(204).withHeader("Content-Length", "0"))
        .get("/205", req -> Response.text(205, "body"))
        .get("/304", req -> Response.status(304).withHeader("ETag", "\"x\"").withHeader("Content-Length", "5"))
        .get("/streamed/{status}", req -> StreamingResponse.writer(
            out -> out.write("body".getBytes(StandardCharsets.UTF_8)), "text/plain")
            .withStatus(req.pathParams().getInt("status")))
        .build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().h2c(true));
        RawH2 c = new RawH2(server.port())) {
      List<String> paths = List.of("/204", "/205", "/304", "/streamed/204", "/streamed/205", "/streamed/304");
      for (int i = 0; i < paths.size(); i++) {
        int id = 1 + 2 * i;
        c.headers(id, RawH2.request("GET", paths.get(i)), true);
        RawH2.Frame head = c.answer(id, 30);
        assertThat(head.type()).as(paths.get(i) + ": " + head).isEqualTo(RawH2.HEADERS);
        assertThat(head.flags() & RawH2.END_STREAM).as(paths.get(i) + ": no DATA after the HEADERS").isNotZero();
        List<String> length = head.headers().getAll("content-length").stream().map(CharSequence::toString).toList();
        String status = head.headers().status().toString();
        assertThat(length).as(paths.get(i)).isEqualTo(switch (status) {
          case "205" -> List.of("0");
          case "304" -> paths.get(i).equals("/304") ? List.of("5") : List.of();
          default -> List.of();
        });
      }
    }
  }

  /**
   * RFC 9110 9.3.2: a HEAD is answered with the head its GET would have, its length included, and
   * no content (RFC 9113 8.1: the HEADERS end the stream, no DATA), whatever body the handler gave.
   */
  @Test
  void aHeadIsAnsweredWithTheGetsHeadAndNoData() throws Exception {
    App app = App.builder()
        .get("/bytes", req -> Response.text("hello world"))
        .get("/streamed", req -> StreamingResponse.writer(
            out -> out.write("hello world".getBytes(StandardCharsets.UTF_8)), "text/plain"))
        .build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().h2c(true));
        RawH2 c = new RawH2(server.port())) {
      c.headers(1, RawH2.request("HEAD", "/bytes"), true);
      c.headers(3, RawH2.request("HEAD", "/streamed"), true);
      c.headers(5, RawH2.request("GET", "/bytes"), true); // its DATA shows a body would have been seen
      // Every frame until all three streams ended, in whatever order their handlers finish.
      List<RawH2.Frame> frames = new java.util.ArrayList<>();
      java.util.Set<Integer> ended = new java.util.HashSet<>();
      RawH2.Frame f;
      while (ended.size() < 3 && (f = c.await(x -> true, 10)) != null && f.type() != RawH2.EOF) {
        frames.add(f);
        if (f.stream() != 0 && ((f.flags() & RawH2.END_STREAM) != 0 || f.type() == RawH2.RST_STREAM)) {
          ended.add(f.stream());
        }
      }
      for (int id : new int[] {1, 3}) {
        RawH2.Frame head = frames.stream().filter(x -> x.stream() == id && (x.type() == RawH2.HEADERS || x.type() == RawH2.RST_STREAM)).findFirst()
            .orElseThrow(() -> new AssertionError("no answer on stream " + id + " among " + frames));
        assertThat(head.type()).as(head.toString()).isEqualTo(RawH2.HEADERS);
        assertThat(head.headers().status().toString()).isEqualTo("200");
        assertThat(head.flags() & RawH2.END_STREAM).as("stream %s: no DATA after the HEADERS", id).isNotZero();
      }
      assertThat(frames).as("frames of the three streams").noneMatch(x -> x.type() == RawH2.DATA && x.stream() != 5)
          .anyMatch(x -> x.type() == RawH2.DATA && x.stream() == 5);
    }
  }

  @Test
  void aHeadKeepsTheContentLengthItsGetWouldHave() throws Exception {
    App app = App.builder().get("/bytes", req -> Response.text("hello world")).build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().h2c(true));
        RawH2 c = new RawH2(server.port())) {
      c.headers(1, RawH2.request("HEAD", "/bytes"), true);
      RawH2.Frame head = c.answer(1, 10);
      assertThat(head.headers().getAll("content-length")).extracting(CharSequence::toString).containsExactly("11");
    }
  }

  /**
   * A handler that answers HEAD without building the representation says its size in
   * {@code Content-Length} (RFC 9110 9.3.2, 8.6): that length goes out, as on HTTP/1.1.
   */
  @Test
  void aHeadHandlersContentLengthIsSent() throws Exception {
    App app = App.builder()
        .route("HEAD", "/explicit", req -> Response.status(200).withHeader("Content-Length", "4096"))
        .get("/sized", req -> req.method().equals("HEAD")
            ? Response.status(200).withHeader("Content-Length", "4096") : Response.text("x".repeat(4096)))
        .build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().h2c(true));
        RawH2 c = new RawH2(server.port())) {
      String[] paths = {"/explicit", "/sized"};
      for (int i = 0; i < paths.length; i++) {
        int id = 1 + 2 * i;
        c.headers(id, RawH2.request("HEAD", paths[i]), true);
        RawH2.Frame head = c.answer(id, 10);
        assertThat(head.type()).as(paths[i] + ": " + head).isEqualTo(RawH2.HEADERS);
        assertThat(head.flags() & RawH2.END_STREAM).as(paths[i] + ": no DATA").isNotZero();
        assertThat(head.headers().getAll("content-length")).as(paths[i]).extracting(CharSequence::toString)
            .containsExactly("4096");
      }
    }
  }

  /**
   * A HEAD answered without its body has the head its GET would: when the GET's body would be
   * compressed, vary and content-encoding, and no content-length (the compressed length is not
   * known), as on HTTP/1.1.
   */
  @Test
  void aHeadHandlersLengthDecidesCompressionAsItsGetsBodyWould() throws Exception {
    App app = App.builder()
        .get("/sized", req -> req.method().equals("HEAD")
            ? Response.status(200).withHeader("Content-Type", "text/plain").withHeader("Content-Length", "4096")
            : Response.text("x".repeat(4096)))
        .build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().h2c(true)
            .compression(dev.lanes.server.Compression.on()));
        RawH2 c = new RawH2(server.port())) {
      c.headers(1, RawH2.request("GET", "/sized").add("accept-encoding", "gzip"), true);
      Http2Headers get = c.answer(1, 10).headers();
      c.headers(3, RawH2.request("HEAD", "/sized").add("accept-encoding", "gzip"), true);
      Http2Headers head = c.answer(3, 10).headers();
      for (String name : new String[] {"content-encoding", "vary", "content-length"}) {
        assertThat(head.getAll(name)).as(name).isEqualTo(get.getAll(name));
      }
      assertThat(head.get("content-encoding")).hasToString("gzip");
    }
  }
}
