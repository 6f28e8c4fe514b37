package dev.lanes.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.server.Tls;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The rules for server names, and the SNI handler's hand-over to the named certificate's {@code SslHandler}. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ServerNameSelectionTest {
  private static final Tls KEY_MATERIAL = Tls.pem(Path.of("cert.pem"), Path.of("key.pem"));

  @Test
  void namesAreDnsNamesOrWildcardsInOneCaseInsensitiveAsciiForm() {
    Tls tls = Tls.selfSigned("localhost")
        .serverName("API.Example.COM", KEY_MATERIAL)
        .serverName("*.Example.com", KEY_MATERIAL)
        .serverName("bücher.example", KEY_MATERIAL)
        .serverName("localhost", KEY_MATERIAL);
    assertThat(tls.serverNames().keySet())
        .containsExactly("api.example.com", "*.example.com", "xn--bcher-kva.example", "localhost");
    assertThat(tls.serverNames().get("api.example.com")).isEqualTo(KEY_MATERIAL.source());
    assertThat(Tls.selfSigned("localhost").serverNames()).isEmpty();
  }

  @Test
  void whatIsNotANameIsRefused() {
    Tls tls = Tls.selfSigned("localhost");
    // SNI carries DNS names only (RFC 6066 3: no IP literals, no trailing dot); a wildcard is a whole leftmost label.
    for (String notAName : new String[] {"", "10.0.0.1", "::1", "[::1]", "*", "*.", "a.*.example.com", "w*.example.com",
        "example.com.", ".example.com", "-a.example.com", "a_b.example.com", "a b.example.com", "a".repeat(64) + ".com"}) {
      assertThatThrownBy(() -> tls.serverName(notAName, KEY_MATERIAL)).as(notAName)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void aNameTwiceIsRefusedWhateverItsCase() {
    Tls tls = Tls.selfSigned("localhost").serverName("api.example.com", KEY_MATERIAL);
    assertThatThrownBy(() -> tls.serverName("API.example.com", KEY_MATERIAL))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mapped already");
  }

  @Test
  void aNamesTlsCarriesKeyMaterialOnlyNotSettingsThatWouldBeIgnored() {
    Tls tls = Tls.selfSigned("localhost");
    for (Tls withSettings : new Tls[] {KEY_MATERIAL.engine(Tls.Engine.JDK), KEY_MATERIAL.http2(false),
        KEY_MATERIAL.handshakeTimeout(Duration.ofSeconds(1)),
        KEY_MATERIAL.clientCertificates(Tls.ClientAuth.REQUIRED, Path.of("clients.pem")),
        KEY_MATERIAL.serverName("nested.example.com", KEY_MATERIAL)}) {
      assertThatThrownBy(() -> tls.serverName("api.example.com", withSettings)).as(withSettings.toString())
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key material only");
    }
  }

  @Test
  void theNamedSslHandlerTakesTheTlsPlaceWithWhatIsLeftOfTheHandshakeTimeout() throws Exception {
    TlsContexts contexts = TlsContexts.start(Tls.selfSigned("default.test").engine(Tls.Engine.JDK)
        .serverName("api.example.com", Tls.selfSigned("api.example.com")));
    EmbeddedChannel channel = new EmbeddedChannel();
    channel.pipeline().addLast("tls", contexts.newHandler(channel.alloc()));
    assertThat(channel.pipeline().get("tls")).isInstanceOf(ServerNameSelection.class);
    channel.writeInbound(Unpooled.wrappedBuffer(clientHello("api.example.com")));
    assertThat(channel.pipeline().get("tls")).isInstanceOf(SslHandler.class);
    assertThat(((SslHandler) channel.pipeline().get("tls")).getHandshakeTimeoutMillis()).isBetween(1L, 10_000L);
    channel.finishAndReleaseAll();
  }

  @Test
  void aHandshakeTimeoutOfForeverStaysForever() {
    TlsContexts contexts = TlsContexts.start(Tls.selfSigned("default.test").engine(Tls.Engine.JDK)
        .serverName("api.example.com", Tls.selfSigned("api.example.com"))
        .handshakeTimeout(ChronoUnit.FOREVER.getDuration()));
    assertThat(((ServerNameSelection) contexts.newHandler(ByteBufAllocator.DEFAULT)).remainingMillis())
        .isEqualTo(Long.MAX_VALUE);
  }

  /** A JDK client's first flight, naming {@code name} by SNI. */
  private static byte[] clientHello(String name) throws Exception {
    SSLEngine client = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
        .trustManager(InsecureTrustManagerFactory.INSTANCE).build().newEngine(ByteBufAllocator.DEFAULT);
    SSLParameters p = client.getSSLParameters();
    p.setServerNames(List.of(new SNIHostName(name)));
    client.setSSLParameters(p);
    ByteBuffer out = ByteBuffer.allocate(client.getSession().getPacketBufferSize());
    client.wrap(ByteBuffer.allocate(0), out);
    out.flip();
    byte[] bytes = new byte[out.remaining()];
    out.get(bytes);
    return bytes;
  }
}
