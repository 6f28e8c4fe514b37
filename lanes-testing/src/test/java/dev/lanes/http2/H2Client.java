package dev.lanes.http2;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A test HTTP/2 client on Netty's client codec, speaking h2c by prior knowledge or h2 over TLS
 * (ALPN, trusting any certificate): opens streams, sends RST_STREAM, stops reading a stream (its
 * window stays closed), sees GOAWAY.
 */
final class H2Client implements AutoCloseable {
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel channel;
  private final Http2FrameCodec codec;
  final CompletableFuture<Http2GoAwayFrame> goAway = new CompletableFuture<>();
  /** Every GOAWAY the server sent, in order (the first is {@link #goAway} too). */
  final LinkedBlockingQueue<Http2GoAwayFrame> goAways = new LinkedBlockingQueue<>();

  private final String scheme;
  private final java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
  /** The TLS handler, or null over h2c. */
  final SslHandler tls;

  private H2Client(int port, SslContext tlsContext) throws InterruptedException {
    this(port, tlsContext, Http2Settings.defaultSettings(), "localhost");
  }

  private H2Client(int port, SslContext tlsContext, Http2Settings settings) throws InterruptedException {
    this(port, tlsContext, settings, "localhost");
  }

  private H2Client(int port, SslContext tlsContext, Http2Settings settings, String serverName)
      throws InterruptedException {
    codec = Http2FrameCodecBuilder.forClient().initialSettings(settings).build();
    scheme = tlsContext == null ? "http" : "https";
    CompletableFuture<SslHandler> tlsHandler = new CompletableFuture<>();
    channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new ChannelOutboundHandlerAdapter() {
              @Override
              public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                if (msg instanceof ByteBuf b) {
                  written.addAndGet(b.readableBytes());
                }
                ctx.write(msg, promise);
              }
            });
            if (tlsContext != null) {
              SslHandler h = tlsContext.newHandler(ch.alloc(), serverName, port);
              ch.pipeline().addLast(h);
              tlsHandler.complete(h);
            }
            ch.pipeline().addLast(codec, new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()),
                new ChannelInboundHandlerAdapter() {
                  @Override
                  public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    if (msg instanceof Http2GoAwayFrame g) {
                      goAways.add(g.retain());
                      if (!goAway.isDone()) {
                        goAway.complete(g.retain());
                      }
                    }
                    ReferenceCountUtil.release(msg);
                  }
                });
          }
        })
        .connect("127.0.0.1", port).sync().channel();
    tls = tlsContext == null ? null : tlsHandler.getNow(null);
  }

  static H2Client connect(int port) throws InterruptedException {
    return new H2Client(port, null);
  }

  /** h2c, the client advertising {@code settings} (e.g. a small SETTINGS_MAX_HEADER_LIST_SIZE). */
  static H2Client connect(int port, Http2Settings settings) throws InterruptedException {
    return new H2Client(port, null, settings);
  }

  /** h2 over TLS on {@code port}, offering only {@code h2} by ALPN, with the JDK's engine or OpenSSL. */
  static H2Client connectTls(int port, SslProvider engine) throws Exception {
    return connectTls(port, engine, "localhost");
  }

  /**
   * h2 over TLS, as {@link #connectTls(int, SslProvider)}, naming {@code serverName} by SNI (a
   * name with a dot: the JDK sends none for {@code localhost}).
   */
  static H2Client connectTls(int port, SslProvider engine, String serverName) throws Exception {
    SslContext context = SslContextBuilder.forClient()
        .sslProvider(engine)
        .trustManager(InsecureTrustManagerFactory.INSTANCE)
        .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2))
        .build();
    H2Client client = new H2Client(port, context, Http2Settings.defaultSettings(), serverName);
    client.tls.handshakeFuture().get(10, TimeUnit.SECONDS);
    return client;
  }

  /** What ALPN chose (null over h2c or without ALPN). */
  String protocol() {
    return tls == null ? null : tls.applicationProtocol();
  }

  /** Completes when the server closes the connection. */
  CompletableFuture<Void> closed() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    channel.closeFuture().addListener(x -> f.complete(null));
    return f;
  }

  /** Lets the server send 16 MiB more on the connection (not per stream): streams stall on their own window only. */
  void widenConnectionWindow() throws Exception {
    channel.eventLoop().submit(() -> {
      codec.connection().local().flowController()
          .incrementWindowSize(codec.connection().connectionStream(), 16 << 20);
      channel.flush();
      return null;
    }).get(10, TimeUnit.SECONDS);
  }

  /** Bytes written to the socket so far (h2c: the frames as sent), whatever they carry. */
  long written() {
    return written.get();
  }

  /**
   * Whether the flow controller holds request bytes back: some stream has DATA queued and no
   * stream could send any now (its own window or the connection's is shut), so nothing more leaves
   * until the server opens a window.
   */
  boolean sendingStalled() throws Exception {
    return channel.eventLoop().submit(() -> {
      var flow = codec.connection().remote().flowController();
      int connectionWindow = flow.windowSize(codec.connection().connectionStream());
      boolean[] queued = {false};
      boolean[] sendable = {false};
      codec.connection().forEachActiveStream(stream -> {
        if (flow.hasFlowControlled(stream)) {
          queued[0] = true;
          sendable[0] |= Math.min(flow.windowSize(stream), connectionWindow) > 0;
        }
        return true;
      });
      return queued[0] && !sendable[0];
    }).get(10, TimeUnit.SECONDS);
  }

  /**
   * The connection window the server has given that the client has not used yet: once no stream
   * holds request bytes, the server's whole receive window but for the bytes it has not
   * announced back yet.
   */
  int connectionSendWindow() throws Exception {
    return channel.eventLoop().submit(() -> codec.connection().remote().flowController()
        .windowSize(codec.connection().connectionStream())).get(10, TimeUnit.SECONDS);
  }

  static Http2Headers request(String method, String path) {
    return new DefaultHttp2Headers().method(method).path(path).scheme("http").authority("127.0.0.1");
  }

  /** A request head with this connection's scheme. */
  Http2Headers head(String method, String path) {
    return request(method, path).scheme(scheme);
  }

  /** Opens a stream and sends {@code headers} (and {@code body} if not null); {@code read} false: the stream's window stays closed until {@link Stream#read()}. */
  Stream open(Http2Headers headers, byte[] body, boolean read) throws Exception {
    Stream s = new Stream();
    Http2StreamChannel child = new Http2StreamChannelBootstrap(channel).option(ChannelOption.AUTO_READ, read)
        .handler(s).open().get(10, TimeUnit.SECONDS);
    s.channel = child;
    child.write(new DefaultHttp2HeadersFrame(headers, body == null));
    if (body != null) {
      child.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(body), true));
    }
    child.flush();
    return s;
  }

  /** Opens a stream and sends {@code headers} alone: its body follows by {@link Stream#send}. */
  Stream openHead(Http2Headers headers) throws Exception {
    Stream s = new Stream();
    s.channel = new Http2StreamChannelBootstrap(channel).handler(s).open().get(10, TimeUnit.SECONDS);
    s.channel.writeAndFlush(new DefaultHttp2HeadersFrame(headers, false));
    return s;
  }

  Stream get(String path) throws Exception {
    return open(head("GET", path), null, true);
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  /** One stream's answer as it arrives. */
  static final class Stream extends ChannelInboundHandlerAdapter {
    final CompletableFuture<Http2Headers> headers = new CompletableFuture<>();
    final CompletableFuture<Void> ended = new CompletableFuture<>();
    final CompletableFuture<Long> reset = new CompletableFuture<>();
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();
    volatile Http2StreamChannel channel;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof Http2HeadersFrame h) {
          headers.complete(h.headers());
          if (h.isEndStream()) {
            ended.complete(null);
          }
        } else if (msg instanceof Http2DataFrame d) {
          ByteBuf c = d.content();
          synchronized (data) {
            c.readBytes(data, c.readableBytes());
          }
          if (d.isEndStream()) {
            ended.complete(null);
          }
        } else if (msg instanceof Http2ResetFrame r) {
          reset.complete(r.errorCode());
          ended.completeExceptionally(new IllegalStateException("stream reset: " + r.errorCode()));
        }
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    /** Netty's multiplexer hands a stream its RST_STREAM as an event, not as a read. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof Http2ResetFrame r) {
        reset.complete(r.errorCode());
        ended.completeExceptionally(new IllegalStateException("stream reset: " + r.errorCode()));
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      ended.completeExceptionally(new IllegalStateException("stream closed before its end"));
    }

    int status() throws Exception {
      return Integer.parseInt(headers.get(10, TimeUnit.SECONDS).status().toString());
    }

    byte[] body() throws Exception {
      ended.get(10, TimeUnit.SECONDS);
      synchronized (data) {
        return data.toByteArray();
      }
    }

    String text() throws Exception {
      return new String(body(), StandardCharsets.UTF_8);
    }

    int received() {
      synchronized (data) {
        return data.size();
      }
    }

    /** Starts reading again (and so opens the stream's window). */
    void read() {
      channel.config().setAutoRead(true);
    }

    /** A DATA frame of {@code bytes} (and {@code padding}, 0..256), the body's last if {@code end}. */
    void send(byte[] bytes, int padding, boolean end) {
      channel.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(bytes), end, padding));
    }

    /** Trailers, which end the request. */
    void trailers(Http2Headers trailers) {
      channel.writeAndFlush(new DefaultHttp2HeadersFrame(trailers, true));
    }

    void reset(Http2Error error) {
      channel.writeAndFlush(new DefaultHttp2ResetFrame(error));
    }
  }
}
