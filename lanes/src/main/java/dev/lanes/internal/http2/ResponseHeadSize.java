package dev.lanes.internal.http2;

import io.netty.handler.codec.http2.Http2Headers;
import java.util.Map;

/**
 * A header list's size as SETTINGS_MAX_HEADER_LIST_SIZE counts it (RFC 9113 6.5.2, RFC 7541
 * 4.1): each field's name and value octets plus 32. Response fields are ASCII or Latin-1, one
 * octet a character, as Netty's HPACK encoder counts them.
 */
final class ResponseHeadSize {
  private static final int FIELD_OVERHEAD = 32;

  private ResponseHeadSize() {}

  static long of(Http2Headers headers) {
    long size = 0;
    for (Map.Entry<CharSequence, CharSequence> e : headers) {
      size += e.getKey().length() + e.getValue().length() + FIELD_OVERHEAD;
    }
    return size;
  }
}
