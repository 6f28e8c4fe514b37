package dev.lanes.internal.tls;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import java.util.List;

/**
 * The application protocols the TLS listener offers by ALPN, most preferred first. The one place
 * to add a protocol: the pipeline that serves it is chosen from the negotiated name
 * ({@code internal.http1.AlpnPipeline}).
 */
public final class AlpnProtocols {
  /** HTTP/2 first, then HTTP/1.1: what the server offers unless {@code Tls.http2(false)}. */
  public static final List<String> OFFERED = List.of(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1);
  /** With HTTP/2 off. */
  public static final List<String> HTTP1_ONLY = List.of(ApplicationProtocolNames.HTTP_1_1);

  private AlpnProtocols() {}

  static ApplicationProtocolConfig config(boolean http2) {
    return new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
        // NO_ADVERTISE and ACCEPT: a client offering only unknown protocols still talks HTTP/1.1
        // (what it would get without ALPN), as curl --http1.0 or old clients do.
        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
        http2 ? OFFERED : HTTP1_ONLY);
  }
}
