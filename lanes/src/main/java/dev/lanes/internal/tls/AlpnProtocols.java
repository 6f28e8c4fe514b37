package dev.lanes.internal.tls;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import java.util.List;

/**
 * The application protocols the TLS listener offers by ALPN, most preferred first. The one place
 * to add a protocol: the pipeline that serves it is chosen from the negotiated name.
 */
public final class AlpnProtocols {
  /** What the server offers; a client that offers none of these gets a connection without ALPN. */
  public static final List<String> OFFERED = List.of(ApplicationProtocolNames.HTTP_1_1);

  private AlpnProtocols() {}

  static ApplicationProtocolConfig config() {
    return new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
        // NO_ADVERTISE and ACCEPT: a client offering only unknown protocols still talks HTTP/1.1
        // (what it would get without ALPN), as curl --http1.0 or old clients do.
        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
        OFFERED);
  }
}
