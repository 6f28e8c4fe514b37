package dev.lanes.concurrency;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The concurrency primitives stay independent of the transport and of the rest of the framework. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConcurrencyArchitectureTest {
  private static final Path SOURCES = Path.of("src/main/java/dev/lanes/concurrency");
  private static final Pattern NETTY = Pattern.compile("\\bio\\.netty\\b");
  // This package and its internal loop binding; nothing else of the framework.
  private static final Pattern OTHER_PACKAGE =
      Pattern.compile("\\bdev\\.lanes\\.(?!concurrency\\b|internal\\.concurrency\\b)[a-z]");

  @Test
  void concurrencyPackageDoesNotUseNetty() throws IOException {
    assertThat(SOURCES).as("run from the lanes module directory").isDirectory();
    List<Path> files;
    try (Stream<Path> s = Files.walk(SOURCES)) {
      files = s.filter(p -> p.toString().endsWith(".java")).toList();
    }
    assertThat(files).hasSizeGreaterThanOrEqualTo(10).anyMatch(p -> p.endsWith("CapacityLimiter.java"));
    List<String> offenders = new ArrayList<>();
    for (Path f : files) {
      List<String> lines = Files.readAllLines(f);
      for (int i = 0; i < lines.size(); i++) {
        if (NETTY.matcher(lines.get(i)).find()) {
          offenders.add(f.getFileName() + ":" + (i + 1) + ": " + lines.get(i).trim());
        }
      }
    }
    assertThat(offenders).as("references to io.netty in dev.lanes.concurrency").isEmpty();
  }

  @Test
  void concurrencyPackageUsesNoOtherFrameworkPackage() throws IOException {
    List<String> offenders = new ArrayList<>();
    for (Path dir : List.of(SOURCES, Path.of("src/main/java/dev/lanes/internal/concurrency"))) {
      assertThat(dir).as("run from the lanes module directory").isDirectory();
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path f : s.filter(p -> p.toString().endsWith(".java")).toList()) {
          List<String> lines = Files.readAllLines(f);
          for (int i = 0; i < lines.size(); i++) {
            if (OTHER_PACKAGE.matcher(lines.get(i)).find()) {
              offenders.add(f.getFileName() + ":" + (i + 1) + ": " + lines.get(i).trim());
            }
          }
        }
      }
    }
    assertThat(offenders).as("references to other dev.lanes packages in dev.lanes.concurrency").isEmpty();
  }
}
