package dev.lanes.server;

import dev.lanes.App;
import dev.lanes.internal.app.AppAccess;
import dev.lanes.internal.app.CompiledApp;
import dev.lanes.internal.http1.ConnectionSetup;
import dev.lanes.internal.logging.NettyLogging;
import dev.lanes.internal.server.Admission;
import dev.lanes.internal.server.LeakDetection;
import dev.lanes.internal.server.NettyJfrEvents;
import dev.lanes.internal.server.ServerLoops;
import dev.lanes.internal.server.SignalShutdown;
import dev.lanes.internal.server.Transport;
import dev.lanes.internal.tls.TlsContexts;
import dev.lanes.internal.concurrency.LoopBinding;
import dev.lanes.lifespan.Lifespan;
import dev.lanes.observe.LifespanPhase;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.lang.System.Logger.Level;

/**
 * The Netty HTTP/1.1 server for an {@link App}, on a cleartext port and, with
 * {@link ServerConfig.Builder#tls}, a TLS port. By default SIGTERM and SIGINT stop it gracefully
 * ({@link #close()}), so the {@code try} block below ends and the process exits 0 once in-flight
 * work is done; {@link ServerConfig.Builder#stopOnSignal} turns that off for embedders.
 *
 * <pre>{@code
 * try (Server server = Server.start(app, ServerConfig.builder().port(0).build())) {
 *   System.out.println("listening on " + server.port());
 *   server.awaitClose();
 * }
 * }</pre>
 *
 * <p>Threads: one {@code lanes-accept} thread, {@code ioThreads} {@code lanes-loop-*} event
 * loops (async handlers run here), and the lanes' own threads for blocking work.
 */
public final class Server implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Server.class.getName());

  private final App app;
  private final CompiledApp compiled;
  private final ServerConfig config;
  private final EventLoopGroup acceptor;
  private final EventLoopGroup loops;
  private final Channel listener;
  private final Optional<Channel> tlsListener;
  private final Optional<TlsContexts> tls;
  private final ChannelGroup connections;
  private final Admission state;
  private final String transport;
  private final AtomicBoolean closing = new AtomicBoolean(); // the first close() does the work
  private final CompletableFuture<Void> stopped = new CompletableFuture<>(); // done when it is done
  private volatile Thread closer; // the thread doing the close: a shutdown hook on it must not wait for it
  /** Threads that called awaitClose: on a signal, the exit waits for their cleanup after it. */
  private final Set<Thread> awaiting = ConcurrentHashMap.newKeySet();

  private Server(App app, ServerConfig config, EventLoopGroup acceptor, EventLoopGroup loops,
      Channel listener, Optional<Channel> tlsListener, Optional<TlsContexts> tls, ChannelGroup connections,
      Admission state, String transport) {
    this.app = app;
    this.compiled = AppAccess.compiled(app);
    this.config = config;
    this.acceptor = acceptor;
    this.loops = loops;
    this.listener = listener;
    this.tlsListener = tlsListener;
    this.tls = tls;
    this.connections = connections;
    this.state = state;
    this.transport = transport;
  }

  /** Binds and starts serving; fails (and frees everything) if the address cannot be bound. */
  public static Server start(App app, ServerConfig config) {
    NettyJfrEvents.configure(); // before Netty's PlatformDependent reads it, as the classes below may
    NettyLogging.install(); // before any Netty class picks its logger
    LeakDetection.configure(); // before the first pipeline, which reads the level once
    // Resolved before the startup hooks: a typo in the host must not cost a start and a stop.
    InetSocketAddress address = new InetSocketAddress(config.host(), config.port());
    if (address.isUnresolved()) {
      throw new IllegalStateException("cannot listen on " + config.host() + ":" + config.port() + ": host "
          + config.host() + " does not resolve");
    }
    CompiledApp compiled = AppAccess.compiled(app);
    if (compiled.closed()) {
      // Its lanes are shut: every blocking request would be a 503, with nothing saying why.
      throw new IllegalStateException("cannot start a server on a closed App: App.close() shut its lanes"
          + " (closing a TestClient started on it does too); build a new App");
    }
    // Signals are handled from before the startup hooks: a SIGTERM while they run lets them end,
    // then stops the server with its shutdown hooks, instead of the JVM's exit 143 half-started.
    Optional<SignalShutdown.Starting> signals = config.stopOnSignal()
        ? Optional.of(SignalShutdown.starting(config.shutdownGrace())) : Optional.empty();
    compiled.instruments().lifespan(LifespanPhase.STARTING);
    try {
      compiled.lifespan().start(); // before binding: a failed start never accepts a connection
    } catch (Lifespan.StartupException e) {
      signals.ifPresent(SignalShutdown::failed);
      compiled.instruments().lifespan(LifespanPhase.STOPPED);
      throw new IllegalStateException("Lanes did not start on " + config.host() + ":"
          + config.port() + ": " + e.getMessage(), e);
    }
    Transport t;
    EventLoopGroup acceptor;
    EventLoopGroup loops;
    try {
      t = Transport.of(config.transport());
      acceptor = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("lanes-accept", true), t.ioHandlers());
      loops = new ServerLoops(config.ioThreads(), new DefaultThreadFactory("lanes-loop", true), t);
    } catch (RuntimeException | Error e) { // no threads to be had: still close what the hooks opened
      signals.ifPresent(SignalShutdown::failed);
      compiled.lifespan().stop();
      compiled.instruments().lifespan(LifespanPhase.STOPPED);
      throw e;
    }
    InetSocketAddress binding = address; // what the error names: the TLS port once that is being bound
    try {
      for (EventExecutor e : loops) {
        EventLoop loop = (EventLoop) e;
        loop.submit(() -> {
          LoopBinding.bind(loop);
          compiled.instruments().bindLoop(loop);
        }).sync();
      }
      Admission state = new Admission(config.maxInFlight(), config.maxConnections());
      ChannelGroup connections = new DefaultChannelGroup("lanes-connections", GlobalEventExecutor.INSTANCE);
      // bad key material fails here
      Optional<TlsContexts> tls = config.tls().map(given -> TlsContexts.start(given, compiled.instruments().listener()));
      Channel listener = bootstrap(acceptor, loops, t, config)
          .childHandler(new ConnectionSetup(compiled, config, state, connections, Optional.empty(), t))
          .bind(address).sync().channel();
      Optional<Channel> tlsListener = Optional.empty();
      if (tls.isPresent()) {
        binding = new InetSocketAddress(address.getAddress(), config.tlsPort());
        try {
          tlsListener = Optional.of(bootstrap(acceptor, loops, t, config)
              .childHandler(new ConnectionSetup(compiled, config, state, connections, tls, t))
              .bind(binding).sync().channel());
        } catch (Exception e) {
          listener.close().syncUninterruptibly();
          throw e;
        }
      }
      Server server = new Server(app, config, acceptor, loops, listener, tlsListener, tls, connections, state,
          t.name());
      compiled.instruments().lifespan(LifespanPhase.STARTED);
      // A URL a user can paste: an IPv6 host in brackets (RFC 3986 3.2.2), as uvicorn logs it.
      String urlHost = config.host().indexOf(':') >= 0 && !config.host().startsWith("[")
          ? "[" + config.host() + "]" : config.host();
      LOG.log(Level.INFO, "Lanes listening on http://" + urlHost + ":" + server.port()
          + tls.map(c -> " and https://" + urlHost + ":" + server.tlsPort().getAsInt() + " (TLS: "
              + c.engine() + ")").orElse("")
          + " (" + t.name() + ", " + config.ioThreads() + " event loops)");
      signals.ifPresent(start -> SignalShutdown.started(start, server, server.awaiting));
      return server;
    } catch (Exception e) {
      signals.ifPresent(SignalShutdown::failed);
      acceptor.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      loops.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      compiled.lifespan().stop(); // what the startup hooks opened before the bind failed (a no-op if they failed)
      compiled.instruments().lifespan(LifespanPhase.STOPPED);
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("cannot listen on " + config.host() + ":" + binding.getPort()
          + ": " + e.getMessage(), e);
    }
  }

  private static ServerBootstrap bootstrap(EventLoopGroup acceptor, EventLoopGroup loops, Transport t,
      ServerConfig config) {
    // Buffers come from Netty's default allocator (adaptive in Netty 4.2; io.netty.allocator.type
    // picks another): a request is one read buffer and one response buffer, and its bump
    // allocation costs less CPU than the pooled allocator's caches (docs/limits.md).
    return new ServerBootstrap()
        .group(acceptor, loops)
        .channel(t.serverChannel())
        .option(ChannelOption.SO_BACKLOG, config.backlog())
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true);
  }

  /** The bound TLS port (useful with {@code tlsPort} 0); empty without TLS. */
  public OptionalInt tlsPort() {
    return tlsListener.map(ch -> OptionalInt.of(((InetSocketAddress) ch.localAddress()).getPort()))
        .orElse(OptionalInt.empty());
  }

  /** The TLS engine in use ({@code OPENSSL} or {@code JDK}); empty without TLS. */
  public Optional<Tls.Engine> tlsEngine() {
    return tls.map(TlsContexts::engine);
  }

  /**
   * Reads the TLS key material again (the same files, or a new self-signed certificate), every
   * server name's too ({@link Tls#serverName}), and uses it for new connections; open connections
   * keep theirs. Call it after renewing a certificate.
   *
   * @throws IllegalStateException without TLS
   * @throws IllegalArgumentException if any of the new material cannot be used (all the old stays)
   */
  public void reloadTls() {
    tls.orElseThrow(() -> new IllegalStateException("this server has no TLS listener")).reload();
    LOG.log(Level.INFO, "TLS key material reloaded");
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) listener.localAddress();
  }

  /** The event loops' socket I/O: {@code io_uring}, {@code epoll} or {@code nio}. */
  public String transport() {
    return transport;
  }

  public App app() {
    return app;
  }

  /** Requests being handled right now. */
  public int inFlight() {
    return state.inFlight();
  }

  /** Admission, timeout and TLS handshake counters since start. */
  public ServerStatistics statistics() {
    return new ServerStatistics(state.inFlight(), state.connections(), state.busyRejections(),
        state.connectionRejections(), state.badRequests(), state.timeouts(Admission.Timeout.REQUEST_HEAD),
        state.timeouts(Admission.Timeout.BODY_READ), state.timeouts(Admission.Timeout.KEEP_ALIVE),
        state.timeouts(Admission.Timeout.SEND),
        tls.map(TlsContexts::handshakeFailures).orElse(ServerStatistics.NO_TLS_FAILURES));
  }

  private boolean anyPendingWrites() {
    for (Channel ch : connections) {
      var out = ch.unsafe().outboundBuffer();
      if (ch.isActive() && out != null && out.totalPendingWriteBytes() > 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * Blocks until the server is closed: {@link #close()} has finished, whoever called it. After a
   * signal stopped the server, the process does not force its exit before this thread has ended
   * (its grace period at most), so what it does after this returns is not cut short.
   */
  public void awaitClose() throws InterruptedException {
    awaiting.add(Thread.currentThread());
    try {
      stopped.get();
    } catch (ExecutionException e) {
      throw new AssertionError("never completed exceptionally", e);
    }
  }

  /**
   * Shuts down gracefully, in this order (docs/shutdown.md): stop accepting and close idle
   * connections; let in-flight requests finish within {@code shutdownGrace} (their responses
   * say {@code Connection: close}); close the remaining connections, cancelling what still
   * runs; wait for background tasks for what is left of the grace period; run the app's
   * shutdown hooks (if no other server of the app still runs); stop the event loops.
   *
   * <p>Safe to call from any thread, any number of times: the first call does the work and
   * returns when the server has stopped; the others wait for it. Called from inside a request
   * (a handler, on an event loop or a lane's thread), it cannot wait for its own request to end, so it
   * hands the shutdown to a {@code lanes-stop} thread and returns at once; {@link #awaitClose()}
   * tells when it is done. Called on the thread doing the close (a shutdown hook, a listener's
   * {@code STOPPING}), it returns at once too: it would wait for itself.
   */
  @Override
  public void close() {
    boolean insideRequest = onOwnLoop() || onLaneThread();
    if (closing.compareAndSet(false, true)) {
      if (insideRequest) {
        // Not a daemon, said outright: a builder inherits the caller's status, and lane threads
        // and loops are daemons. The JVM waits for the drain and the shutdown hooks before it may exit.
        Thread.ofPlatform().daemon(false).name("lanes-stop").start(this::shutDown);
      } else {
        shutDown();
      }
    } else if (!insideRequest && Thread.currentThread() != closer) {
      stopped.join(); // uninterruptible, like the drain itself
    }
  }

  /**
   * Whether this is a lane's thread ({@code lane-<name>}, virtual, or {@code lane-<name>-*}): a
   * blocking handler or background task, which the drain would wait for. Read from the name, at
   * close only, so running a handler costs nothing for it; a lane on the user's own executor is
   * not recognised (docs/shutdown.md).
   */
  private static boolean onLaneThread() {
    return Thread.currentThread().getName().startsWith("lane-");
  }

  private boolean onOwnLoop() {
    for (EventExecutor e : loops) {
      if (e.inEventLoop()) {
        return true;
      }
    }
    return acceptor.next().inEventLoop();
  }

  private void shutDown() {
    closer = Thread.currentThread();
    try {
      drainAndStop();
    } finally {
      stopped.complete(null); // even if a step threw: the other callers must not wait for ever
    }
  }

  private void drainAndStop() {
    compiled.instruments().lifespan(LifespanPhase.STOPPING);
    long deadline = after(config.shutdownGrace());
    // 1. Stop accepting; responses from now on carry Connection: close; idle connections go.
    state.startDraining();
    listener.close().syncUninterruptibly();
    tlsListener.ifPresent(ch -> ch.close().syncUninterruptibly());
    connections.forEach(ch -> ch.pipeline().fireUserEventTriggered(Admission.DRAIN));
    // 2. Let requests in flight finish within the grace period, and WebSocket handlers told 1001
    // end (the shutdown hooks below may close what they use).
    boolean drained = false;
    try {
      drained = state.awaitNoneInFlight(deadline);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!drained && state.inFlight() > 0) { // else only HTTP/2 connections still going away: closed below
      LOG.log(Level.WARNING, () -> state.inFlight() + " requests still running after the "
          + config.shutdownGrace() + " grace period; cancelling them");
    }
    if (!drained && state.sessions() > 0) {
      LOG.log(Level.WARNING, () -> state.sessions() + " WebSocket sessions still open after the "
          + config.shutdownGrace() + " grace period; closing them");
    }
    // 2b. Responses already being written (streams, files, bodies a slow client has not taken yet)
    // carry Connection: close and close their connection after the last byte: give them the rest
    // of the grace period instead of cutting them off.
    while (System.nanoTime() < deadline && (state.bodiesInFlight() > 0 || anyPendingWrites())) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    // 3. Close what is left: a running request is cancelled (thread interrupted, token back).
    connections.close().awaitUninterruptibly(Duration.ofSeconds(5).toMillis());
    // 4. Background tasks of sent responses get what is left of the grace period.
    try {
      if (!app.background().awaitIdle(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
        LOG.log(Level.WARNING, () -> "abandoning " + app.background().statistics().pending()
            + " background tasks still pending after the grace period");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // 5. Lifespan shutdown hooks, then the event loops. The app's lanes close with App.close().
    compiled.lifespan().stop();
    acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    compiled.instruments().lifespan(LifespanPhase.STOPPED);
    SignalShutdown.unregister(this);
    LOG.log(Level.INFO, () -> "Lanes on port " + ((InetSocketAddress) listener.localAddress()).getPort()
        + " stopped");
  }

  /** {@code System.nanoTime()} {@code d} from now, saturating: a "for ever" grace never wraps round. */
  private static long after(Duration d) {
    long now = System.nanoTime();
    long nanos = d.toNanos(); // cannot throw: ServerConfig cuts durations to ~73 years
    return now + nanos < now ? Long.MAX_VALUE : now + nanos;
  }
}
