package dev.lanes.internal.http1;

import dev.lanes.internal.http.StatusPhrases;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Each status a response may have (100 to 599) with the reason phrase its HTTP/1.1 status line
 * says: the one in IANA's HTTP Status Code registry, which RFC 9110 names ({@code 413 Content
 * Too Large}, {@code 422 Unprocessable Content}, where Netty still says the names RFC 9110
 * replaced), and {@code 418 I'm a Teapot} as Python's {@code http.HTTPStatus}, and so Starlette
 * and uvicorn, name it (Netty: {@code Client Error (418)}). A code the registry does not name
 * keeps Netty's neutral phrase, its class and number ({@code Client Error (499)}). Built once:
 * a response takes its status from here, not a new {@code HttpResponseStatus} per response as
 * Netty's {@code valueOf} makes for a code it does not know (HTTP/2 takes its {@code :status}
 * text from here for that reason).
 *
 * <pre>{@code new DefaultHttpResponse(HttpVersion.HTTP_1_1, ReasonPhrases.status(418)); }</pre>
 */
public final class ReasonPhrases {
  private static final HttpResponseStatus[] STATUSES = new HttpResponseStatus[600];

  static {
    for (int code = 100; code < STATUSES.length; code++) {
      HttpResponseStatus netty = HttpResponseStatus.valueOf(code);
      String phrase = StatusPhrases.of(code);
      // Netty's own constant where it agrees, so code comparing statuses by identity still sees it.
      STATUSES[code] = phrase == null || phrase.equals(netty.reasonPhrase()) ? netty
          : new HttpResponseStatus(code, phrase);
    }
  }

  private ReasonPhrases() {}

  /** {@code code} (100 to 599) with its phrase. */
  public static HttpResponseStatus status(int code) {
    return STATUSES[code];
  }
}
