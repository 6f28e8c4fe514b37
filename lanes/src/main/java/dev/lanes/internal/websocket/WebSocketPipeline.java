package dev.lanes.internal.websocket;

import dev.lanes.websocket.WebSocketOptions;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker13;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionData;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionUtil;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtension;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The frame side of one upgrade, protocol-neutral: the decoder limits, the permessage-deflate
 * negotiation, and the handlers that follow Netty's frame codec — deflate (inflating at most
 * {@code maxMessageSize} per frame), UTF-8 validation of text, fragment aggregation up to
 * {@code maxMessageSize}, then the {@link FrameHandler}; and, first of all, {@link ReadActivity},
 * which notes that the peer is alive on any bytes. The connection that switches protocols
 * writes the 101 with {@link #extensionsHeader()}, installs the frame codec, and then calls
 * {@link #install}, {@link #opened} or {@link #failed}.
 */
public final class WebSocketPipeline {
  private static final String SERVER_MAX_WINDOW_BITS = "server_max_window_bits";
  private static final String FULL_WINDOW = "15";

  private final Session session;
  private final WebSocketServerExtension deflate; // null: not asked for, or not offered
  private final boolean fullWindowAsked; // the accepted offer named server_max_window_bits=15
  private final FrameHandler frames;

  private WebSocketPipeline(Session session, WebSocketServerExtension deflate, boolean fullWindowAsked) {
    this.session = session;
    this.deflate = deflate;
    this.fullWindowAsked = fullWindowAsked;
    this.frames = new FrameHandler(session);
  }

  /**
   * Negotiates extensions from the client's {@code Sec-WebSocket-Extensions} lines (none if not
   * sent), which count as one list (RFC 6455 9.1). An offer Netty cannot parse
   * ({@code client_max_window_bits=abc}), or one naming a parameter twice, is declined, not failed:
   * RFC 7692 section 5 says a server MUST decline such an offer, and RFC 6455 lets the server
   * accept the connection without the extension.
   */
  public static WebSocketPipeline negotiate(Session session, List<String> extensionLines) {
    WebSocketOptions o = session.options();
    String requestedExtensions = String.join(", ", extensionLines);
    WebSocketServerExtension chosen = null;
    boolean fullWindowAsked = false;
    if (o.compression() && !requestedExtensions.isBlank()) {
      // Netty's defaults (level 6, windows of 15 bits), and server_no_context_takeover accepted
      // when offered (RFC 7692 7.1.1.1): the compressor is reset per message, a small cost, and
      // declining left such a client with no compression. A smaller server window is declined:
      // the JDK's zlib compresses with 15 bits only.
      var handshaker = new PerMessageDeflateServerExtensionHandshaker(6, false,
          PerMessageDeflateServerExtensionHandshaker.MAX_WINDOW_SIZE, true, false, o.maxMessageSize());
      List<WebSocketExtensionData> offers;
      try {
        offers = WebSocketExtensionUtil.extractExtensions(requestedExtensions);
      } catch (RuntimeException malformed) {
        offers = List.of();
      }
      String[] rawOffers = requestedExtensions.split(","); // as Netty splits them: one per offer
      for (int i = 0; i < offers.size(); i++) {
        WebSocketExtensionData offer = offers.get(i);
        if (i < rawOffers.length && repeatsAParameter(rawOffers[i])) {
          continue; // RFC 7692 section 5: declined; Netty's parse would keep one of the two
        }
        // Netty declines any server_max_window_bits here (a smaller window needs a zlib the JDK
        // lacks); 15 is the window the server compresses with anyway, so that offer is taken.
        fullWindowAsked = FULL_WINDOW.equals(offer.parameters().get(SERVER_MAX_WINDOW_BITS));
        chosen = accept(handshaker, fullWindowAsked ? withoutFullWindow(offer) : offer);
        if (chosen != null) {
          break;
        }
      }
    }
    return new WebSocketPipeline(session, chosen, chosen != null && fullWindowAsked);
  }

  /** Whether one offer ({@code name; p1; p2=v}) names a parameter more than once. */
  private static boolean repeatsAParameter(String rawOffer) {
    String[] parts = rawOffer.split(";");
    Set<String> names = new HashSet<>();
    for (int i = 1; i < parts.length; i++) {
      String name = parts[i].split("=", 2)[0].strip().toLowerCase(Locale.ROOT);
      if (!name.isEmpty() && !names.add(name)) {
        return true;
      }
    }
    return false;
  }

  private static WebSocketExtensionData withoutFullWindow(WebSocketExtensionData offer) {
    Map<String, String> parameters = new LinkedHashMap<>(offer.parameters());
    parameters.remove(SERVER_MAX_WINDOW_BITS);
    return new WebSocketExtensionData(offer.name(), parameters);
  }

  private static WebSocketServerExtension accept(PerMessageDeflateServerExtensionHandshaker handshaker,
      WebSocketExtensionData offer) {
    try {
      return handshaker.handshakeExtension(offer);
    } catch (RuntimeException invalidParameter) { // NumberFormatException on a window size
      return null;
    }
  }

  /** The frame decoder's limits: masked frames only, RSV bits only with an extension. */
  public WebSocketDecoderConfig decoderConfig() {
    return WebSocketDecoderConfig.newBuilder()
        .maxFramePayloadLength(session.options().maxFrameSize())
        .allowExtensions(deflate != null)
        .expectMaskedFrames(true)
        .allowMaskMismatch(false)
        .closeOnProtocolViolation(true)
        .withUTF8Validator(false) // added below, after inflation, so it sees the real text
        .build();
  }

  /**
   * Netty's handshaker for {@code uri}, with this upgrade's decoder limits and a
   * {@link FrameDecoder}, which answers a bad close frame with a close frame of its own.
   */
  public WebSocketServerHandshaker handshaker(String uri) {
    return new WebSocketServerHandshaker13(uri, null, decoderConfig()) {
      @Override
      protected WebSocketFrameDecoder newWebsocketDecoder() {
        return new FrameDecoder(decoderConfig());
      }
    };
  }

  /** The {@code Sec-WebSocket-Extensions} value the 101 must carry, if an extension was agreed. */
  public Optional<String> extensionsHeader() {
    if (deflate == null) {
      return Optional.empty();
    }
    WebSocketExtensionData data = deflate.newReponseData();
    StringBuilder sb = new StringBuilder(data.name());
    for (Map.Entry<String, String> p : data.parameters().entrySet()) {
      sb.append("; ").append(p.getKey());
      if (p.getValue() != null && !p.getValue().isEmpty()) {
        sb.append('=').append(p.getValue());
      }
    }
    if (fullWindowAsked) { // RFC 7692 7.1.2.1: accepting the parameter means answering it
      sb.append("; ").append(SERVER_MAX_WINDOW_BITS).append('=').append(FULL_WINDOW);
    }
    return Optional.of(sb.toString());
  }

  /** Adds the handlers after the frame codec, at the end of {@code pipeline}, and the read probe first. */
  public void install(ChannelPipeline pipeline) {
    pipeline.addFirst("ws-read-activity", new ReadActivity(frames));
    if (deflate != null) {
      pipeline.addLast("ws-inflate", deflate.newExtensionDecoder());
      pipeline.addLast("ws-deflate", deflate.newExtensionEncoder());
    }
    pipeline.addLast("ws-utf8", new Utf8FrameValidator(true));
    pipeline.addLast("ws-aggregate", new WebSocketFrameAggregator(session.options().maxMessageSize()));
    pipeline.addLast("ws-frames", frames);
  }

  /** On the loop, once the 101 is written: the session starts. */
  public void opened() {
    frames.start();
  }

  /** The 101 could not be written: the session never starts. */
  public void failed(Throwable cause) {
    session.notOpened(cause);
  }
}
