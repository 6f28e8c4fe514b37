package dev.lanes.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.server.ServerConfig;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.TestClient;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameLogger;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.logging.LogLevel;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * HTTP/2 requests past the server's limits get what HTTP/1.1 gives them, in a form the client can
 * read: a 413 arrives whole before the stream's reset, and cookie crumbs count as one field.
 */
@Timeout(60)
class Http2RequestLimitsTest {

  /** The frames the client receives, in wire order, e.g. "HEADERS 3 end=false", "DATA 3 17 end=true", "RST_STREAM 3 0". */
  static final class Wire extends Http2FrameLogger implements AutoCloseable {
    final List<String> inbound = new CopyOnWriteArrayList<>();
    final CountDownLatch streamOver = new CountDownLatch(1); // first END_STREAM or RST_STREAM on a request stream
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private Channel channel;

    Wire() {
      super(LogLevel.TRACE);
    }

    Wire connect(int port) throws InterruptedException {
      var codec = Http2FrameCodecBuilder.forClient().frameLogger(this).build();
      channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
          .handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast(codec, new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
            }
          }).connect("127.0.0.1", port).sync().channel();
      return this;
    }

    void send(Http2Headers headers, byte[] body) throws Exception {
      Http2StreamChannel child = new Http2StreamChannelBootstrap(channel).handler(new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
          ReferenceCountUtil.release(msg);
        }
      }).open().get(10, TimeUnit.SECONDS);
      child.write(new DefaultHttp2HeadersFrame(headers, body == null));
      if (body != null) {
        child.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(body), true));
      }
      child.flush();
    }

    @Override
    public boolean isEnabled() {
      return true;
    }

    @Override
    public void logHeaders(Direction d, ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
        boolean endStream) {
      if (d == Direction.INBOUND) {
        inbound.add("HEADERS " + streamId + " :status=" + headers.status() + " end=" + endStream);
        if (endStream) {
          streamOver.countDown();
        }
      }
    }

    @Override
    public void logHeaders(Direction d, ChannelHandlerContext ctx, int streamId, Http2Headers headers,
        int streamDependency, short weight, boolean exclusive, int padding, boolean endStream) {
      logHeaders(d, ctx, streamId, headers, padding, endStream);
    }

    @Override
    public void logData(Direction d, ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding,
        boolean endStream) {
      if (d == Direction.INBOUND) {
        inbound.add("DATA " + streamId + " " + data.readableBytes() + " end=" + endStream);
        if (endStream) {
          streamOver.countDown();
        }
      }
    }

    @Override
    public void logRstStream(Direction d, ChannelHandlerContext ctx, int streamId, long errorCode) {
      if (d == Direction.INBOUND) {
        inbound.add("RST_STREAM " + streamId + " " + errorCode);
        streamOver.countDown();
      }
    }

    @Override
    public void close() {
      channel.close().syncUninterruptibly();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  /** docs/http2.md: past maxBodySize "413, then RST_STREAM(NO_ERROR)": the 413 must arrive whole, before the reset. */
  @Test
  void the413ForABodyPastMaxBodySizeArrivesWholeBeforeTheReset() throws Exception {
    App app = App.builder()
        .post("/upload", req -> Response.text("got " + req.body().length))
        .build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().h2c(true).maxBodySize(1000));
        Wire client = new Wire().connect(server.port())) {
      client.send(H2Client.request("POST", "/upload"), new byte[1001]);
      assertThat(client.streamOver.await(10, TimeUnit.SECONDS)).isTrue();
      // "Content Too Large" is 17 bytes: HEADERS, DATA ending the stream, and only then the reset.
      assertThat(client.inbound).as("frames received on stream 3, in order")
          .startsWith("HEADERS 3 :status=413 end=false", "DATA 3 17 end=true");
    }
  }

  /**
   * docs/http2.md: request headers "read as HTTP/1.1's", cookie crumbs joined; maxHeaderCount (100) counts
   * header fields. 120 cookie crumbs are one Cookie header on HTTP/1.1 (accepted there), and so on h2.
   */
  @Test
  void cookieCrumbsCountAsOneHeaderAsOnHttp11() throws Exception {
    App app = App.builder()
        .get("/c", req -> Response.text(req.header("cookie").orElse("")))
        .build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().h2c(true));
        H2Client client = H2Client.connect(server.port())) {
      Http2Headers h = H2Client.request("GET", "/c");
      StringBuilder joined = new StringBuilder();
      for (int i = 0; i < 120; i++) {
        h.add("cookie", "c" + i + "=v");
        joined.append(i == 0 ? "" : "; ").append("c").append(i).append("=v");
      }
      // The same request on HTTP/1.1 (one Cookie header, ~1.3 KB) is served.
      assertThat(server.send(server.request("/c").header("Cookie", joined.toString())).status()).as("HTTP/1.1").isEqualTo(200);
      H2Client.Stream s = client.open(h, null, true);
      assertThat(s.status()).as("HTTP/2, the same cookies as crumbs").isEqualTo(200);
    }
  }

  /** A path refused as unsafe is counted in {@code badRequests}, as HTTP/1.1 counts it. */
  @Test
  void aPathRefusedAsUnsafeIsCountedAsABadRequest() throws Exception {
    App app = App.builder().get("/x", req -> Response.text("x")).build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().h2c(true));
        H2Client client = H2Client.connect(server.port())) {
      for (String path : new String[] {"/a/%2e%2e/x", "/x%00", "/x%zz"}) {
        long before = server.server().statistics().badRequests();
        assertThat(client.get(path).status()).as(path).isEqualTo(400);
        assertThat(server.server().statistics().badRequests() - before).as(path).isEqualTo(1);
      }
    }
  }

  /**
   * A head whose answer it already tells (a declared length past maxBodySize, too many fields, an
   * unsafe path, an unmet expectation) is answered at its HEADERS, as HTTP/1.1 answers it before
   * reading the body: the client is not made to send up to maxBodySize first, and a body past
   * that limit cannot turn the head's own answer into a 413. The stream is then reset with
   * NO_ERROR (the body is not needed) and the connection goes on.
   */
  @Test
  void aHeadThatEarnsItsAnswerIsAnsweredBeforeItsBody() throws Exception {
    App app = App.builder()
        .post("/upload", req -> Response.text("got " + req.body().length))
        .build();
    Http2Headers tooMany = RawH2.request("POST", "/upload");
    for (int i = 0; i < 101; i++) {
      tooMany.add("x-f" + i, "v");
    }
    Object[][] heads = {
        {RawH2.request("POST", "/upload").set("content-length", "5000"), 413},
        {tooMany, 431},
        {RawH2.request("POST", "/a/%2e%2e/upload"), 400},
        {RawH2.request("POST", "/upload").set("expect", "something-else"), 417},
    };
    try (TestClient server = TestClient.start(app, ServerConfig.builder().h2c(true).maxBodySize(1000));
        RawH2 c = new RawH2(server.port())) {
      c.awaitServerSettings();
      int stream = 1;
      for (Object[] head : heads) {
        long bad = server.server().statistics().badRequests();
        c.headers(stream, (Http2Headers) head[0], false); // a body is to follow; none is sent
        RawH2.Frame answer = c.answer(stream, 10);
        assertThat(answer).as("answer to a head expecting " + head[1] + ", no body sent").isNotNull();
        assertThat(answer.type()).isEqualTo(RawH2.HEADERS);
        assertThat(answer.headers().status().toString()).isEqualTo(String.valueOf(head[1]));
        RawH2.Frame reset = c.await(f -> f.stream() == answer.stream() && f.type() == RawH2.RST_STREAM, 10);
        assertThat(reset).as("the unneeded body's stream is reset").isNotNull();
        assertThat(reset.error()).isEqualTo(0);
        assertThat(server.server().statistics().badRequests() - bad).isEqualTo(1);
        stream += 2;
      }
      c.headers(stream, RawH2.request("POST", "/upload"), false);
      c.data(stream, new byte[10], true);
      RawH2.Frame ok = c.answer(stream, 10);
      assertThat(ok.type()).as("the connection goes on").isEqualTo(RawH2.HEADERS);
      assertThat(ok.headers().status().toString()).isEqualTo("200");
    }
  }

  /**
   * maxHeaderSize bounds a head as HTTP/1.1 counts it, its field lines, on both protocols: HPACK's
   * 32 bytes of bookkeeping per field (and per cookie crumb, RFC 9113 8.2.3) must not refuse on
   * HTTP/2 a head HTTP/1.1 serves, nor fail the whole connection over it; a head past the limit
   * counted that way is 431 on its stream only.
   */
  @Test
  void maxHeaderSizeCountsAHeadAsHttp11Does() throws Exception {
    App app = App.builder().get("/h", req -> Response.text("ok")).build();
    Http2Headers manyFields = RawH2.request("GET", "/h");
    StringBuilder manyLines = new StringBuilder();
    for (int i = 0; i < 95; i++) { // ~5.8 KB of lines; with 32 bytes each, more than 8192
      manyFields.add("x-field-" + i, "v".repeat(50));
      manyLines.append("x-field-").append(i).append(": ").append("v".repeat(50)).append("\r\n");
    }
    Http2Headers crumbs = RawH2.request("GET", "/h");
    StringBuilder cookie = new StringBuilder();
    for (int i = 0; i < 200; i++) { // ~5 KB as one Cookie line; with 32 bytes each, past 1.25 x 8192
      String crumb = "c" + i + "=" + "v".repeat(18);
      crumbs.add("cookie", crumb);
      cookie.append(i == 0 ? "" : "; ").append(crumb);
    }
    Http2Headers tooLarge = RawH2.request("GET", "/h").add("x-big", "v".repeat(8200));
    try (TestClient server = TestClient.start(app, ServerConfig.builder().h2c(true));
        RawH2 client = new RawH2(server.port())) {
      client.awaitServerSettings();
      assertThat(RawClient.exchange(server.port(), "GET /h HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + manyLines + "\r\n")
          .statuses()).as("HTTP/1.1, the many fields").containsExactly(200);
      assertThat(RawClient.exchange(server.port(), "GET /h HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nCookie: " + cookie
          + "\r\n\r\n").statuses()).as("HTTP/1.1, the cookies").containsExactly(200);
      assertThat(RawClient.exchange(server.port(), "GET /h HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "v".repeat(8200)
          + "\r\n\r\n").statuses()).as("HTTP/1.1, the large field").containsExactly(431);
      client.headers(1, manyFields, true);
      assertThat(status(client.answer(1, 10))).as("HTTP/2, the many fields").isEqualTo("200");
      client.headers(3, crumbs, true);
      assertThat(status(client.answer(3, 10))).as("HTTP/2, the cookies as crumbs").isEqualTo("200");
      long bad = server.server().statistics().badRequests();
      client.headers(5, tooLarge, true);
      assertThat(status(client.answer(5, 10))).as("HTTP/2, the large field").isEqualTo("431");
      assertThat(server.server().statistics().badRequests() - bad).isEqualTo(1);
      client.headers(7, RawH2.request("GET", "/h"), true);
      assertThat(status(client.answer(7, 10))).as("the connection goes on").isEqualTo("200");
    }
  }

  /** The status of a stream's answer, else what came instead (a reset, a GOAWAY, the end). */
  private static String status(RawH2.Frame answer) {
    return answer != null && answer.type() == RawH2.HEADERS ? answer.headers().status().toString() : String.valueOf(answer);
  }
}
