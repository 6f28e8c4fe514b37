package dev.lanes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The package rules of ARCHITECTURE.md, read from its package map: each main source file imports
 * only the Lanes packages and libraries its package's row lists; every package has a row; public
 * packages form no cycle; the module descriptor exports exactly the public packages; the other
 * published modules never import {@code dev.lanes.internal}.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ArchitectureTest {
  private static final Path SOURCES = Path.of("src/main/java");
  private static final Pattern ROW = Pattern.compile("^\\| `(dev\\.lanes[a-z0-9.]*)` \\|.*\\| (.*) \\| (.*) \\|$");
  private static final Pattern CODE = Pattern.compile("`([a-z0-9.]+)`");
  private static final Pattern IMPORT = Pattern.compile("^import (?:static )?([a-zA-Z0-9_.]+)(?:\\.\\*)?;", Pattern.MULTILINE);
  private static final Map<String, String> LIBRARIES = Map.of(
      "Netty", "io.netty.", "Jackson", "com.fasterxml.jackson.", "JFR", "jdk.jfr.", "JSSE", "javax.net.ssl.",
      "Jakarta Validation", "jakarta.validation.", "JCE", "javax.crypto.");

  private static final Map<String, Set<String>> allowedLanes = new LinkedHashMap<>();
  private static final Map<String, Set<String>> allowedLibraries = new HashMap<>();

  @BeforeAll
  static void readTheTable() throws IOException {
    for (String line : Files.readAllLines(Path.of("../ARCHITECTURE.md"))) {
      Matcher row = ROW.matcher(line.strip());
      if (!row.matches()) {
        continue;
      }
      Set<String> lanes = new HashSet<>();
      Matcher m = CODE.matcher(row.group(2));
      while (m.find()) {
        lanes.add(m.group(1).equals("dev.lanes") ? "dev.lanes" : "dev.lanes." + m.group(1));
      }
      Set<String> libs = new HashSet<>();
      LIBRARIES.forEach((name, prefix) -> {
        if (row.group(3).contains(name)) {
          libs.add(prefix);
        }
      });
      allowedLanes.put(row.group(1), lanes);
      allowedLibraries.put(row.group(1), libs);
    }
    assertThat(allowedLanes).as("rows read from ARCHITECTURE.md's package map").hasSizeGreaterThan(10);
  }

  @Test
  void everyFileImportsOnlyWhatItsPackageRowAllows() throws IOException {
    List<String> violations = new ArrayList<>();
    for (Map.Entry<String, Set<String>> file : imports(SOURCES).entrySet()) {
      String pkg = packageOf(file.getKey());
      Set<String> lanes = allowedLanes.get(pkg);
      if (lanes == null) {
        violations.add(pkg + " has no row in ARCHITECTURE.md's package map");
        continue;
      }
      for (String imported : file.getValue()) {
        if (imported.startsWith("java.")) {
          continue;
        }
        if (imported.startsWith("dev.lanes")) {
          String target = packageOfType(imported);
          if (!target.equals(pkg) && !lanes.contains(target)) {
            violations.add(file.getKey() + " imports " + imported + " (" + target + " is not in its row)");
          }
        } else if (allowedLibraries.get(pkg).stream().noneMatch(imported::startsWith)) {
          violations.add(file.getKey() + " imports " + imported + " (library not in its row)");
        }
      }
    }
    assertThat(violations).isEmpty();
  }

  @Test
  void publicPackagesFormNoCycle() {
    Map<String, Set<String>> graph = new HashMap<>();
    allowedLanes.forEach((pkg, deps) -> {
      if (!pkg.contains(".internal")) {
        graph.put(pkg, deps.stream().filter(d -> !d.contains(".internal")).collect(java.util.stream.Collectors.toSet()));
      }
    });
    for (String start : graph.keySet()) {
      assertThat(reaches(graph, start, start, new HashSet<>())).as(start + " depends on itself").isFalse();
    }
  }

  @Test
  void theModuleExportsExactlyThePublicPackages() throws IOException {
    String descriptor = Files.readString(SOURCES.resolve("module-info.java"));
    Set<String> exported = new TreeSet<>();
    Matcher m = Pattern.compile("exports ([a-z.]+);").matcher(descriptor);
    while (m.find()) {
      exported.add(m.group(1));
    }
    Set<String> publicPackages = new TreeSet<>();
    for (String file : imports(SOURCES).keySet()) {
      String pkg = packageOf(file);
      if (!pkg.contains(".internal")) {
        publicPackages.add(pkg);
      }
    }
    assertThat(exported).isEqualTo(publicPackages);
  }

  @Test
  void otherPublishedModulesUseNoInternals() throws IOException {
    List<String> violations = new ArrayList<>();
    for (String module : List.of("../lanes-micrometer", "../lanes-testing", "../lanes-tasks", "../examples")) {
      for (Map.Entry<String, Set<String>> file : imports(Path.of(module, "src/main/java")).entrySet()) {
        file.getValue().stream().filter(i -> i.startsWith("dev.lanes.internal"))
            .forEach(i -> violations.add(module + ": " + file.getKey() + " imports " + i));
      }
    }
    assertThat(violations).isEmpty();
  }

  private static boolean reaches(Map<String, Set<String>> graph, String from, String target, Set<String> seen) {
    for (String next : graph.getOrDefault(from, Set.of())) {
      if (next.equals(target) || seen.add(next) && reaches(graph, next, target, seen)) {
        return true;
      }
    }
    return false;
  }

  /** Source file (relative path) to the fully qualified names it imports. */
  private static Map<String, Set<String>> imports(Path root) throws IOException {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    if (!Files.isDirectory(root)) {
      return out;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path f : s.filter(p -> p.toString().endsWith(".java") && !p.endsWith("module-info.java")
          && !p.endsWith("package-info.java")).sorted().toList()) {
        Set<String> names = new TreeSet<>();
        Matcher m = IMPORT.matcher(Files.readString(f));
        while (m.find()) {
          names.add(m.group(1));
        }
        out.put(root.relativize(f).toString(), names);
      }
    }
    return out;
  }

  private static String packageOf(String relativeFile) {
    return relativeFile.substring(0, relativeFile.lastIndexOf('/')).replace('/', '.');
  }

  /** {@code dev.lanes.http.Response.Builder} → {@code dev.lanes.http}: up to the first capitalised segment. */
  private static String packageOfType(String name) {
    String[] parts = name.split("\\.");
    StringBuilder pkg = new StringBuilder();
    for (String p : parts) {
      if (Character.isUpperCase(p.charAt(0))) {
        break;
      }
      pkg.append(pkg.isEmpty() ? "" : ".").append(p);
    }
    return pkg.toString();
  }
}
