package dev.lanes.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.OpenSsl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Client-initiated renegotiation is refused whichever way TLS is configured first: every way
 * sets {@code jdk.tls.rejectClientInitiatedRenegotiation} before the JDK's first server
 * handshake (the key material check runs one even when OpenSSL serves), since the JDK reads it
 * only then. Each case runs in a fresh JVM ({@link RenegotiationMain}): in this one, whichever
 * test handshook first has already decided.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TlsRenegotiationTest {
  static List<Arguments> ways() {
    List<Arguments> out = new ArrayList<>();
    List<String> engines = OpenSsl.isAvailable() ? List.of("AUTO", "OPENSSL", "JDK") : List.of("AUTO", "JDK");
    for (String source : List.of("pem", "keystore", "selfsigned")) {
      for (String engine : engines) {
        out.add(Arguments.of(source, engine));
      }
    }
    return out;
  }

  @ParameterizedTest
  @MethodSource("ways")
  void renegotiationIsRefusedAfterTlsStartedThisWay(String source, String engine) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), RenegotiationMain.class.getName(), source, engine))
        .redirectErrorStream(true).start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child exited").isTrue();
    assertThat(child.exitValue()).as(output).isZero();
    assertThat(output).contains("PROPERTY true").contains("RENEGOTIATION refused");
  }
}
