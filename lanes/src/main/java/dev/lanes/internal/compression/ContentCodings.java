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
 * stands for any coding not named. The same on HTTP/1.1 and HTTP/2.
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

  /** The coding to send for {@code acceptEncoding} (null or absent: none), or null for the body as it is. */
  public static String choose(CharSequence acceptEncoding) {
    if (acceptEncoding == null || acceptEncoding.isEmpty()) {
      return null;
    }
    float[] q = {-1, -1, -1}; // per PREFERENCE; -1: not named
    float star = -1;
    for (String part : acceptEncoding.toString().split(",")) {
      int semi = part.indexOf(';');
      String coding = (semi < 0 ? part : part.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
      float weight = semi < 0 ? 1 : weight(part.substring(semi + 1));
      if (coding.equals("*")) {
        star = weight;
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
    return best;
  }

  private static boolean present(int i) {
    return i == 2 || i == 0 && BROTLI || i == 1 && ZSTD;
  }

  /** {@code q=0.5} (other parameters ignored); malformed: 0, so a coding the client garbled is not used. */
  private static float weight(String params) {
    for (String p : params.split(";")) {
      String s = p.strip();
      if (s.length() > 2 && (s.charAt(0) == 'q' || s.charAt(0) == 'Q') && s.charAt(1) == '=') {
        try {
          float w = Float.parseFloat(s.substring(2).strip());
          return w >= 0 && w <= 1 ? w : 0;
        } catch (NumberFormatException e) {
          return 0;
        }
      }
    }
    return 1;
  }
}
