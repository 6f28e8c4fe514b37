package dev.lanes.benchmarks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The raw-Netty baseline for {@code benchmarks/wrk.sh}: a minimal, idiomatic HTTP/1.1 hello server
 * with the same thread layout as Lanes' server (one acceptor, {@code availableProcessors} event
 * loops, native epoll when available), the same pipeline ({@link HttpServerCodec} +
 * {@link HttpObjectAggregator} + one handler), the same response headers ({@code Content-Type},
 * {@code Content-Length}, {@code Date}, built without header validation as Lanes does) and one
 * flush per read burst. Not crippled, not tuned
 * beyond what an ordinary Netty user writes: no pooled pre-encoded responses, no custom codec.
 *
 * <p>Routes: {@code GET /plaintext} ({@code Hello, World!}), {@code GET /json}
 * ({@code {"message":"Hello, World!"}}, serialised per request with Jackson as the Lanes demo
 * does), {@code GET /sleep} (a timer on the event loop: answers {@code null} after {@code SLEEP}
 * seconds, default 1; the floor for {@code benchmarks/seed.sh}, what an async endpoint can reach on
 * this machine with this load generator), anything else 404.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.lanes.benchmarks.RawNettyHello [port]}
 * (port default 8081, binds 127.0.0.1).
 */
public final class RawNettyHello {
  private static final byte[] PLAINTEXT = "Hello, World!".getBytes(StandardCharsets.US_ASCII);
  // As Lanes' Http1ExchangeCodec and Vert.x do: our own constant header names/values need no validation.
  private static final HttpHeadersFactory HEADERS =
      DefaultHttpHeadersFactory.headersFactory().withValidation(false);
  private static final HttpHeadersFactory TRAILERS =
      DefaultHttpHeadersFactory.trailersFactory().withValidation(false);
  private static final byte[] NULL_BODY = "null".getBytes(StandardCharsets.US_ASCII);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final AsciiString TEXT_PLAIN = AsciiString.cached("text/plain; charset=utf-8");
  private static final AsciiString APPLICATION_JSON = AsciiString.cached("application/json");

  private static final long SLEEP_NANOS = (long) (Double.parseDouble(
      System.getenv().getOrDefault("SLEEP", "1")) * 1e9);

  private RawNettyHello() {}

  public static void main(String[] args) throws InterruptedException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8081;
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    Class<? extends ServerChannel> channel = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    int loops = Runtime.getRuntime().availableProcessors();
    EventLoopGroup acceptor = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("raw-accept"), io);
    EventLoopGroup workers = new MultiThreadIoEventLoopGroup(loops, new DefaultThreadFactory("raw-loop"), io);
    try {
      Channel listener = new ServerBootstrap()
          .group(acceptor, workers)
          .channel(channel)
          .option(ChannelOption.SO_BACKLOG, 4096)
          .option(ChannelOption.SO_REUSEADDR, true)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
              ch.pipeline()
                  .addLast(new HttpServerCodec())
                  .addLast(new HttpObjectAggregator(1 << 20))
                  .addLast(new HelloHandler());
            }
          })
          .bind("127.0.0.1", port).sync().channel();
      System.out.println("RawNettyHello listening on 127.0.0.1:" + port + " ("
          + (epoll ? "epoll" : "nio") + ", " + loops + " event loops)");
      listener.closeFuture().sync();
    } finally {
      acceptor.shutdownGracefully();
      workers.shutdownGracefully();
    }
  }

  /** Answers each request with a full response; flushes once per read burst. */
  static final class HelloHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      String uri = req.uri();
      int q = uri.indexOf('?');
      String path = q < 0 ? uri : uri.substring(0, q);
      byte[] body;
      AsciiString type;
      HttpResponseStatus status = HttpResponseStatus.OK;
      if (path.equals("/sleep")) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        ctx.executor().schedule(() -> respond(ctx, HttpResponseStatus.OK, NULL_BODY,
            APPLICATION_JSON, keepAlive, true), SLEEP_NANOS, TimeUnit.NANOSECONDS);
        return;
      }
      switch (path) {
        case "/plaintext" -> {
          body = PLAINTEXT;
          type = TEXT_PLAIN;
        }
        case "/json" -> {
          body = json();
          type = APPLICATION_JSON;
        }
        default -> {
          body = "Not Found".getBytes(StandardCharsets.US_ASCII);
          type = TEXT_PLAIN;
          status = HttpResponseStatus.NOT_FOUND;
        }
      }
      respond(ctx, status, body, type, HttpUtil.isKeepAlive(req), false);
    }

    private static void respond(ChannelHandlerContext ctx, HttpResponseStatus status, byte[] body,
        AsciiString type, boolean keepAlive, boolean flush) {
      ByteBuf content = Unpooled.wrappedBuffer(body);
      var res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content, HEADERS, TRAILERS);
      HttpHeaders h = res.headers();
      h.set(HttpHeaderNames.CONTENT_TYPE, type);
      h.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
      h.set(HttpHeaderNames.DATE, Dates.now());
      if (keepAlive) {
        if (flush) {
          ctx.writeAndFlush(res);
        } else {
          ctx.write(res);
        }
      } else {
        h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
      }
    }

    private static byte[] json() {
      try {
        return MAPPER.writeValueAsBytes(Map.of("message", "Hello, World!"));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** The {@code Date} header, formatted at most once a second. */
  static final class Dates {
    private record Cached(long second, String value) {}

    private static volatile Cached cached = new Cached(-1, "");

    private Dates() {}

    static String now() {
      long second = System.currentTimeMillis() / 1000;
      Cached c = cached;
      if (c.second != second) {
        c = new Cached(second, DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", java.util.Locale.US)
            .format(Instant.ofEpochSecond(second).atOffset(ZoneOffset.UTC)));
        cached = c;
      }
      return c.value;
    }
  }
}
