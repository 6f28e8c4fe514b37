package dev.lanes.examples;

import dev.lanes.concurrency.LaneSizing;
import dev.lanes.server.IoTransport;
import dev.lanes.server.Tls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The demo's settings, read once from the environment at startup; a bad value fails there, naming
 * the variable. Unset or blank variables take the defaults in brackets.
 *
 * <pre>{@code SLEEP=0.5 PORT=9000 METRICS=off java -jar examples/target/examples.jar}</pre>
 *
 * @param host {@code HOST}, the address to bind [127.0.0.1]
 * @param port {@code PORT} [8000]
 * @param sleep {@code SLEEP} seconds, fractions allowed: the seed-000 routes' sleep [3]
 * @param backgroundSleep {@code BG_SLEEP} seconds, fractions allowed: each background task's sleep [10]
 * @param staticDir {@code STATIC_DIR}, served at {@code /static} [examples/static, if it exists]
 * @param limitConcurrency {@code LIMIT_CONCURRENCY}: requests in flight server-wide before 503 [0: no limit]
 * @param readTimeout {@code READ_TIMEOUT} whole seconds: request-head, body-read and keep-alive timeouts [30]
 * @param metrics {@code METRICS} on or off: metrics, watchdog and pinning reports [on]
 * @param watchdog {@code WATCHDOG_MS}: the blocked-loop threshold [100; 0: off]
 * @param pinning {@code PINNING} on, off or auto: JFR virtual-thread pinning reports; auto is on
 *     only on JDK 21 to 23, where {@code synchronized} pins (JEP 491 ended that in 24) and the
 *     stream earns its CPU (about 0.5 ms a second on an idle server) [auto]
 * @param tls with {@code TLS_PORT} set: TLS from {@code TLS_CERT} and {@code TLS_KEY} (PEM), else a
 *     self-signed certificate for localhost made at start; {@code TLS_ENGINE} auto, openssl or jdk [auto]
 * @param tlsPort {@code TLS_PORT}: also listen with TLS there [unset: no TLS]
 * @param compression {@code COMPRESSION} on or off: gzip, br and zstd responses [on]
 * @param cpuLane {@code CPU_LANE}: lane {@code cpu}'s sizing, {@code adaptive} or a fixed number of
 *     tokens >= 1 [adaptive]
 * @param cpuHashesPerMs {@code CPU_HASHES_PER_MS}: how many hashes {@code /cpu} counts as one ms of CPU
 *     time; benchmarks comparing several JVMs pin it so that every one does the same work per request
 *     [0: calibrated at start]
 * @param h2StreamWindow {@code H2_STREAM_WINDOW} bytes: HTTP/2's stream receive window
 *     ({@code ServerConfig.streamWindowSize}), 65535..2147483647; larger speeds up h2c uploads at
 *     the cost of memory per stream [262144]
 * @param transport {@code TRANSPORT}: the event loops' socket I/O, {@code auto},
 *     {@code io_uring}, {@code epoll} or {@code nio} (docs/transport.md) [auto: io_uring, else epoll, else NIO]
 */
record DemoSettings(String host, int port, Duration sleep, Duration backgroundSleep, Optional<Path> staticDir,
    int limitConcurrency, Duration readTimeout, boolean metrics, Duration watchdog, boolean pinning,
    Optional<Tls> tls, int tlsPort, boolean compression, LaneSizing cpuLane,
    int cpuHashesPerMs, int h2StreamWindow, IoTransport transport) {
  private static final Path DEFAULT_STATIC_DIR = Path.of("examples/static");

  DemoSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(sleep, "sleep");
    Objects.requireNonNull(backgroundSleep, "backgroundSleep");
    Objects.requireNonNull(staticDir, "staticDir");
    Objects.requireNonNull(readTimeout, "readTimeout");
    Objects.requireNonNull(watchdog, "watchdog");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(cpuLane, "cpuLane");
    Objects.requireNonNull(transport, "transport");
  }

  /** The settings in this process's environment. */
  static DemoSettings fromEnv() {
    return from(System.getenv());
  }

  /**
   * The settings in {@code env} (variable name to value).
   *
   * @throws IllegalArgumentException naming the first variable whose value is not allowed
   */
  static DemoSettings from(Map<String, String> env) {
    Env e = new Env(env);
    return new DemoSettings(
        e.text("HOST").orElse("127.0.0.1"),
        e.integer("PORT", 8000, 0, 65535, "a port number 0..65535"),
        e.seconds("SLEEP", 3),
        e.seconds("BG_SLEEP", 10),
        e.directory("STATIC_DIR", DEFAULT_STATIC_DIR),
        e.integer("LIMIT_CONCURRENCY", 0, 0, Integer.MAX_VALUE, "a whole number >= 0 (0: no limit)"),
        Duration.ofSeconds(e.integer("READ_TIMEOUT", 30, 1, Integer.MAX_VALUE, "whole seconds >= 1")),
        e.onOff("METRICS", true),
        Duration.ofMillis(e.integer("WATCHDOG_MS", 100, 0, Integer.MAX_VALUE, "milliseconds >= 0 (0: off)")),
        e.onOffAuto("PINNING", pinningPays(Runtime.version().feature())),
        e.tls(),
        e.integer("TLS_PORT", 0, 0, 65535, "a port number 0..65535"),
        e.onOff("COMPRESSION", true),
        e.sizing("CPU_LANE"),
        e.integer("CPU_HASHES_PER_MS", 0, 0, Integer.MAX_VALUE, "a whole number >= 0 (0: calibrate at start)"),
        e.integer("H2_STREAM_WINDOW", 256 * 1024, 65_535, Integer.MAX_VALUE, "bytes 65535..2147483647"),
        e.transport("TRANSPORT"));
  }

  /**
   * Whether pinning reports are worth their JFR stream on JDK {@code feature}: up to 23 every
   * {@code synchronized} block that blocks pins its carrier; from 24 only native frames and class
   * initialisers do, which {@code PINNING=on} still reports.
   */
  static boolean pinningPays(int feature) {
    return feature < 24;
  }

  /** Typed reads of environment variables, each failing with the variable's name and value. */
  private record Env(Map<String, String> values) {
    Optional<String> text(String name) {
      return Optional.ofNullable(values.get(name)).map(String::strip).filter(v -> !v.isEmpty());
    }

    int integer(String name, int fallback, int min, int max, String expected) {
      Optional<String> raw = text(name);
      if (raw.isEmpty()) {
        return fallback;
      }
      try {
        int v = Integer.parseInt(raw.get());
        if (v >= min && v <= max) {
          return v;
        }
      } catch (NumberFormatException e) {
        // not a number: the same error as out of range
      }
      throw bad(name, raw.get(), expected);
    }

    Duration seconds(String name, double fallback) {
      Optional<String> raw = text(name);
      double v = fallback;
      if (raw.isPresent()) {
        try {
          v = Double.parseDouble(raw.get());
        } catch (NumberFormatException e) {
          v = Double.NaN;
        }
        // also refuses "NaN" and "Infinity", which parseDouble accepts
        if (!(v >= 0 && v <= Long.MAX_VALUE / 1e9)) {
          throw bad(name, raw.get(), "a number of seconds >= 0 (fractions allowed)");
        }
      }
      return Duration.ofNanos((long) (v * 1e9));
    }

    boolean onOff(String name, boolean fallback) {
      Optional<String> raw = text(name);
      if (raw.isEmpty()) {
        return fallback;
      }
      return switch (raw.get().toLowerCase(Locale.ROOT)) {
        case "on" -> true;
        case "off" -> false;
        default -> throw bad(name, raw.get(), "on or off");
      };
    }

    boolean onOffAuto(String name, boolean auto) {
      Optional<String> raw = text(name);
      if (raw.isEmpty()) {
        return auto;
      }
      return switch (raw.get().toLowerCase(Locale.ROOT)) {
        case "on" -> true;
        case "off" -> false;
        case "auto" -> auto;
        default -> throw bad(name, raw.get(), "on, off or auto");
      };
    }

    /** TLS when TLS_PORT is set: PEM files if TLS_CERT/TLS_KEY name them (both or neither), else self-signed. */
    Optional<Tls> tls() {
      if (text("TLS_PORT").isEmpty()) {
        return Optional.empty();
      }
      Optional<String> cert = text("TLS_CERT");
      Optional<String> key = text("TLS_KEY");
      if (cert.isPresent() != key.isPresent()) {
        String missing = cert.isPresent() ? "TLS_KEY" : "TLS_CERT";
        throw bad(missing, "", "set when " + (cert.isPresent() ? "TLS_CERT" : "TLS_KEY") + " is");
      }
      for (String name : new String[] {"TLS_CERT", "TLS_KEY"}) {
        text(name).filter(f -> !Files.isRegularFile(Path.of(f))).ifPresent(f -> {
          throw bad(name, f, "an existing PEM file");
        });
      }
      Tls tls = cert.isPresent() ? Tls.pem(Path.of(cert.get()), Path.of(key.get())) : Tls.selfSigned("localhost");
      String engine = text("TLS_ENGINE").orElse("auto");
      return Optional.of(switch (engine.toLowerCase(Locale.ROOT)) {
        case "auto" -> tls;
        case "openssl" -> tls.engine(Tls.Engine.OPENSSL);
        case "jdk" -> tls.engine(Tls.Engine.JDK);
        default -> throw bad("TLS_ENGINE", engine, "auto, openssl or jdk");
      });
    }

    /** {@code auto} (also when unset), {@code io_uring}, {@code epoll} or {@code nio}. */
    IoTransport transport(String name) {
      String raw = text(name).orElse("auto");
      return switch (raw.toLowerCase(Locale.ROOT)) {
        case "auto" -> IoTransport.AUTO;
        case "io_uring" -> IoTransport.IO_URING;
        case "epoll" -> IoTransport.EPOLL;
        case "nio" -> IoTransport.NIO;
        default -> throw bad(name, raw, "auto, io_uring, epoll or nio");
      };
    }

    /** {@code adaptive} (also when unset) or a whole number of tokens >= 1. */
    LaneSizing sizing(String name) {
      Optional<String> raw = text(name);
      if (raw.isEmpty() || raw.get().equalsIgnoreCase("adaptive")) {
        return LaneSizing.adaptive();
      }
      return LaneSizing.fixed(integer(name, 1, 1, Integer.MAX_VALUE, "adaptive or a whole number >= 1"));
    }

    /** A directory named in {@code name} must exist; {@code fallback} is used only if it does. */
    Optional<Path> directory(String name, Path fallback) {
      Optional<String> raw = text(name);
      if (raw.isEmpty()) {
        return Files.isDirectory(fallback) ? Optional.of(fallback) : Optional.empty();
      }
      Path dir = Path.of(raw.get());
      if (!Files.isDirectory(dir)) {
        throw bad(name, raw.get(), "an existing directory");
      }
      return Optional.of(dir);
    }

    private static IllegalArgumentException bad(String name, String value, String expected) {
      return new IllegalArgumentException(name + " must be " + expected + ", got '" + value + "'");
    }
  }
}
