package dev.lanes.observe.micrometer;

import io.micrometer.core.instrument.Timer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The request timers of one route, by method and status. A route is served by one or two methods
 * (GET and HEAD), so the methods are a short array searched by identity first: a request's method
 * name is one of Netty's constants. Replacing the array on a new method keeps reads lock-free.
 * Methods outside RFC 9110's and PATCH count as {@code _OTHER} (as OpenTelemetry names them), so
 * a client inventing methods cannot add meters without end.
 */
final class RouteTimers {
  private volatile String[] methods = new String[0];
  private volatile AtomicReferenceArray<Timer>[] byMethod = newArray(0);

  /** The timers of {@code method}, indexed by status (0-599); empty slots are timers not made yet. */
  AtomicReferenceArray<Timer> byStatus(String method) {
    String[] m = methods;
    AtomicReferenceArray<Timer>[] b = byMethod;
    for (int i = 0; i < m.length && i < b.length; i++) {
      if (m[i] == method) {
        return b[i];
      }
    }
    for (int i = 0; i < m.length && i < b.length; i++) {
      if (m[i].equals(method)) {
        return b[i];
      }
    }
    String tag = methodTag(method);
    return tag == method ? add(method) : byStatus(tag);
  }

  /** The {@code method} tag: the method itself if it is a standard one, else {@code _OTHER}. */
  static String methodTag(String method) {
    return switch (method) {
      case "GET" -> "GET";
      case "HEAD" -> "HEAD";
      case "POST" -> "POST";
      case "PUT" -> "PUT";
      case "DELETE" -> "DELETE";
      case "PATCH" -> "PATCH";
      case "OPTIONS" -> "OPTIONS";
      case "TRACE" -> "TRACE";
      case "CONNECT" -> "CONNECT";
      default -> "_OTHER";
    };
  }

  private synchronized AtomicReferenceArray<Timer> add(String method) {
    String[] m = methods;
    for (int i = 0; i < m.length; i++) {
      if (m[i].equals(method)) {
        return byMethod[i];
      }
    }
    AtomicReferenceArray<Timer>[] b = Arrays.copyOf(byMethod, m.length + 1);
    b[m.length] = new AtomicReferenceArray<>(600);
    String[] grown = Arrays.copyOf(m, m.length + 1);
    grown[m.length] = method;
    byMethod = b; // before methods: a reader that sees the new method finds its slot
    methods = grown;
    return b[m.length];
  }

  @SuppressWarnings("unchecked")
  private static AtomicReferenceArray<Timer>[] newArray(int n) {
    return (AtomicReferenceArray<Timer>[]) new AtomicReferenceArray<?>[n];
  }
}
