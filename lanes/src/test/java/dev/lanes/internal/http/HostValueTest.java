package dev.lanes.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostValueTest {
  @ParameterizedTest
  @ValueSource(strings = {"a", "a:80", "a:", "a:65535", "a:0080", "[::1]", "[::1]:8080", "1.2.3.4",
      "[::]", "[2001:db8::1]", "[2001:DB8:0:0:0:0:0:1]:443", "[::ffff:192.0.2.1]", "[1:2:3:4:5:6:7::]", "[::2:3:4:5:6:7:8]",
      "[1:2:3:4:5:6:192.0.2.1]",
      "xn--bcher-kva.example", "a.b-c_d~!$&'()*+;=%41"})
  void validHosts(String host) {
    assertThat(HostValue.valid(host)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ":80", "[]", "[::1", "[::1]x", "[g::1]", "a b", "a,b", "a/b", "me@a",
      "a:8x", "a:80:90", "[::1]:x", "a:65536", "a:99999999999", "a\r\nb", "a\tb", "\u00e9.example",
      "[1]", "[.]", "[:]", "[:::]", "[1::2::3]", "[1.2.3.4]", "[12345::]", "[1:2:3:4:5:6:7:8:9]", "[1:2:3:4:5:6:7]",
      "[1:2:3:4:5:6:7:8::]", "[::1.2.3]", "[::1.2.3.256]", "[::1.2.3.4:5]", "[1:]", "[:1]", "[::1%25lo]", "a%zz", "a%4", "%"})
  void invalidHosts(String host) {
    assertThat(HostValue.valid(host)).isFalse();
  }
}
