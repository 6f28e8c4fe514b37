package dev.lanes.internal.compression;

import io.netty.handler.codec.compression.Brotli;
import io.netty.handler.codec.compression.CompressionOptions;
import io.netty.handler.codec.compression.StandardCompressionOptions;
import io.netty.handler.codec.compression.Zstd;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The content codings the server can apply, and which one a client gets: gzip always, br with
 * brotli4j and zstd with zstd-jni on the class path (Netty says which are). The choice honours
 * {@code Accept-Encoding}'s q-values; among equal ones br, then zstd, then gzip; {@code *}
 * stands for any coding not named; {@code identity} weighed above them all keeps the body as it
 * is. The same on HTTP/1.1 and HTTP/2.
 */
public final class ContentCodings {
  private static final boolean BROTLI = Brotli.isAvailable();
  private static final boolean ZSTD = Zstd.isAvailable();
  private static final String[] PREFERENCE = {"br", "zstd", "gzip"};

  private ContentCodings() {}

  /** Netty's options for the codings on the class path. */
  public static CompressionOptions[] available() {
    List<CompressionOptions> options = new ArrayList<>(3);
    options.add(StandardCompressionOptions.gzip());
    if (BROTLI) {
      options.add(StandardCompressionOptions.brotli());
    }
    if (ZSTD) {
      options.add(StandardCompressionOptions.zstd());
    }
    return options.toArray(CompressionOptions[]::new);
  }

  /**
   * A request's {@code Accept-Encoding} field lines as the one list they are (RFC 9110 5.3),
   * joined as Netty's HTTP/1.1 encoder joins them for the response it compresses; null when
   * there are none. Usage: {@code choose(acceptEncoding(headers.getAll("accept-encoding")))}.
   */
  public static String acceptEncoding(List<? extends CharSequence> fieldLines) {
    return switch (fieldLines.size()) {
      case 0 -> null;
      case 1 -> fieldLines.get(0).toString();
      default -> String.join(",", fieldLines);
    };
  }

  /** The coding to send for {@code acceptEncoding} (null or absent: none), or null for the body as it is. */
  public static String choose(CharSequence acceptEncoding) {
    if (acceptEncoding == null || acceptEncoding.isEmpty()) {
      return null;
    }
    float[] q = {-1, -1, -1}; // per PREFERENCE; -1: not named
    float star = -1;
    float identity = -1; // not named
    for (String part : acceptEncoding.toString().split(",")) {
      int semi = part.indexOf(';');
      String coding = (semi < 0 ? part : part.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
      float weight = semi < 0 ? 1 : weight(part.substring(semi + 1));
      if (coding.equals("*")) {
        star = weight;
      } else if (coding.equals("identity")) {
        identity = Math.max(identity, weight);
      } else {
        for (int i = 0; i < PREFERENCE.length; i++) {
          if (coding.equals(PREFERENCE[i]) || i == 2 && coding.equals("x-gzip")) {
            q[i] = Math.max(q[i], weight);
          }
        }
      }
    }
    String best = null;
    float bestQ = 0;
    for (int i = 0; i < PREFERENCE.length; i++) {
      if (!present(i)) {
        continue;
      }
      float w = q[i] >= 0 ? q[i] : star;
      if (w > bestQ) {
        best = PREFERENCE[i];
        bestQ = w;
      }
    }
    // Weights rank identity too (RFC 9110 12.5.3): weighed above every coding, the body goes as it is.
    return identity > bestQ ? null : best;
  }

  private static boolean present(int i) {
    return i == 2 || i == 0 && BROTLI || i == 1 && ZSTD;
  }

  /** {@code q=0.5} (other parameters ignored); malformed: 0, so a coding the client garbled is not used. */
  private static float weight(String params) {
    for (String p : params.split(";")) {
      String s = p.strip();
      if (s.length() >= 2 && (s.charAt(0) == 'q' || s.charAt(0) == 'Q') && s.charAt(1) == '=') {
        return Math.max(0, qvalue(s.substring(2)));
      }
    }
    return 1;
  }

  /**
   * RFC 9110 12.4.2's qvalue, {@code "0"} to {@code "1"} with at most three decimals, or -1 when
   * {@code s} is not one ({@code Float.parseFloat} would take {@code 1e0}, {@code .5} and
   * {@code 0.5f}).
   */
  private static float qvalue(String s) {
    int n = s.length();
    if (n == 0 || n > 5 || s.charAt(0) != '0' && s.charAt(0) != '1') {
      return -1;
    }
    if (n == 1) {
      return s.charAt(0) - '0';
    }
    if (s.charAt(1) != '.') {
      return -1;
    }
    int thousandths = 0;
    for (int i = 2; i < 5; i++) {
      int digit = i < n ? s.charAt(i) - '0' : 0;
      if (digit < 0 || digit > 9) {
        return -1;
      }
      thousandths = thousandths * 10 + digit;
    }
    if (s.charAt(0) == '1') {
      return thousandths == 0 ? 1 : -1;
    }
    return thousandths / 1000f;
  }
}
