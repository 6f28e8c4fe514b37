package dev.lanes.internal.http1;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Every status a handler can set goes out on HTTP/1.1 with its phrase in IANA's HTTP Status Code
 * registry (RFC 9110's names: 413 Content Too Large, 422 Unprocessable Content), 418 with the
 * name Python's {@code http.HTTPStatus} and so Starlette and uvicorn give it; a code the
 * registry does not name keeps a neutral phrase that names none.
 */
class ReasonPhrasesTest {
  static final Map<Integer, String> REGISTERED = new TreeMap<>(Map.ofEntries(
      Map.entry(100, "Continue"), Map.entry(101, "Switching Protocols"), Map.entry(102, "Processing"),
      Map.entry(103, "Early Hints"),
      Map.entry(200, "OK"), Map.entry(201, "Created"), Map.entry(202, "Accepted"),
      Map.entry(203, "Non-Authoritative Information"), Map.entry(204, "No Content"),
      Map.entry(205, "Reset Content"), Map.entry(206, "Partial Content"), Map.entry(207, "Multi-Status"),
      Map.entry(208, "Already Reported"), Map.entry(226, "IM Used"),
      Map.entry(300, "Multiple Choices"), Map.entry(301, "Moved Permanently"), Map.entry(302, "Found"),
      Map.entry(303, "See Other"), Map.entry(304, "Not Modified"), Map.entry(305, "Use Proxy"),
      Map.entry(307, "Temporary Redirect"), Map.entry(308, "Permanent Redirect"),
      Map.entry(400, "Bad Request"), Map.entry(401, "Unauthorized"), Map.entry(402, "Payment Required"),
      Map.entry(403, "Forbidden"), Map.entry(404, "Not Found"), Map.entry(405, "Method Not Allowed"),
      Map.entry(406, "Not Acceptable"), Map.entry(407, "Proxy Authentication Required"),
      Map.entry(408, "Request Timeout"), Map.entry(409, "Conflict"), Map.entry(410, "Gone"),
      Map.entry(411, "Length Required"), Map.entry(412, "Precondition Failed"),
      Map.entry(413, "Content Too Large"), Map.entry(414, "URI Too Long"),
      Map.entry(415, "Unsupported Media Type"), Map.entry(416, "Range Not Satisfiable"),
      Map.entry(417, "Expectation Failed"), Map.entry(418, "I'm a Teapot"),
      Map.entry(421, "Misdirected Request"), Map.entry(422, "Unprocessable Content"), Map.entry(423, "Locked"),
      Map.entry(424, "Failed Dependency"), Map.entry(425, "Too Early"), Map.entry(426, "Upgrade Required"),
      Map.entry(428, "Precondition Required"), Map.entry(429, "Too Many Requests"),
      Map.entry(431, "Request Header Fields Too Large"), Map.entry(451, "Unavailable For Legal Reasons"),
      Map.entry(500, "Internal Server Error"), Map.entry(501, "Not Implemented"), Map.entry(502, "Bad Gateway"),
      Map.entry(503, "Service Unavailable"), Map.entry(504, "Gateway Timeout"),
      Map.entry(505, "HTTP Version Not Supported"), Map.entry(506, "Variant Also Negotiates"),
      Map.entry(507, "Insufficient Storage"), Map.entry(508, "Loop Detected"), Map.entry(510, "Not Extended"),
      Map.entry(511, "Network Authentication Required")));

  @Test
  void everyRegisteredStatusHasItsRegisteredPhrase() {
    Map<Integer, String> sent = new TreeMap<>();
    for (int code : REGISTERED.keySet()) {
      sent.put(code, ReasonPhrases.status(code).reasonPhrase());
    }
    assertThat(sent).isEqualTo(REGISTERED);
  }

  @Test
  void anUnregisteredStatusHasANeutralPhrase() {
    for (int code = 100; code < 600; code++) {
      if (!REGISTERED.containsKey(code)) {
        String phrase = ReasonPhrases.status(code).reasonPhrase();
        assertThat(phrase).as("%d", code).isNotEmpty().doesNotContain("\r", "\n").isNotIn(REGISTERED.values());
        assertThat(ReasonPhrases.status(code).code()).isEqualTo(code);
      }
    }
  }

  @Test
  void theSameStatusEachTime() {
    for (int code = 100; code < 600; code++) {
      assertThat(ReasonPhrases.status(code)).isSameAs(ReasonPhrases.status(code)); // no allocation per response
    }
  }

  @Test
  void theEncodedStatusLineUsesIt() {
    var encoded = EncodedResponse.of(io.netty.buffer.ByteBufAllocator.DEFAULT, dev.lanes.http.Response.text(418, "t"),
        new byte[] {'t'}, 1, true, true, true, false, DateHeader.now());
    try {
      assertThat(encoded.content().toString(java.nio.charset.StandardCharsets.US_ASCII))
          .startsWith("HTTP/1.1 418 I'm a Teapot\r\n");
    } finally {
      encoded.release();
    }
  }
}
