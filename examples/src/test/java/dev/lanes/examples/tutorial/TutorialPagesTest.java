package dev.lanes.examples.tutorial;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The tutorial's pages show their examples as they are: each block between
 * {@code <!-- include PATH -->} and {@code <!-- end include -->} equals PATH's text
 * ({@code bin/sync-tutorial} copies them), every example is on a page, and every example has a test.
 */
class TutorialPagesTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path PAGES = ROOT.resolve("docs/tutorial");
  private static final Path EXAMPLES = ROOT.resolve("examples/src/main/java/dev/lanes/examples/tutorial");
  private static final Path TESTS = ROOT.resolve("examples/src/test/java/dev/lanes/examples/tutorial");
  private static final Pattern INCLUDE =
      Pattern.compile("<!-- include (\\S+) -->\n```java\n(.*?)```\n<!-- end include -->", Pattern.DOTALL);

  @Test
  void everyPageShowsItsExamplesExactly() throws IOException {
    Set<Path> included = new HashSet<>();
    List<String> stale = new ArrayList<>();
    for (Path page : pages()) {
      String text = Files.readString(page);
      assertThat(text.split("<!-- include ", -1).length - 1).as(page + ": every include is well formed")
          .isEqualTo(INCLUDE.matcher(text).results().count());
      Matcher m = INCLUDE.matcher(text);
      while (m.find()) {
        Path source = ROOT.resolve(m.group(1)).normalize();
        assertThat(source).as(page + " includes a file that exists").isRegularFile();
        included.add(source);
        if (!Files.readString(source).equals(m.group(2))) {
          stale.add(ROOT.relativize(page) + " shows an old " + m.group(1));
        }
      }
    }
    assertThat(stale).as("pages behind their examples: run bin/sync-tutorial").isEmpty();
    assertThat(included).as("every tutorial example is on a page").containsExactlyInAnyOrderElementsOf(examples());
  }

  @Test
  void everyExampleAppHasATest() throws IOException {
    for (Path example : examples()) {
      String text = Files.readString(example);
      if (text.contains("public static void main(")) {
        String name = example.getFileName().toString().replace(".java", "Test.java");
        Path test = TESTS.resolve(EXAMPLES.relativize(example.getParent())).resolve(name);
        assertThat(test).as("the test of " + ROOT.relativize(example)).isRegularFile();
      }
    }
  }

  @Test
  void theIndexLinksEveryPageInOrder() throws IOException {
    String index = Files.readString(PAGES.resolve("README.md"));
    List<String> numbered = pages().stream().map(p -> p.getFileName().toString())
        .filter(n -> !n.equals("README.md")).sorted().toList();
    assertThat(numbered).hasSize(10);
    int last = -1;
    for (String page : numbered) {
      int at = index.indexOf("](" + page + ")");
      assertThat(at).as("the index links " + page + " after the page before it").isGreaterThan(last);
      last = at;
    }
  }

  private static List<Path> pages() throws IOException {
    try (Stream<Path> s = Files.list(PAGES)) {
      return s.filter(p -> p.toString().endsWith(".md")).sorted().toList();
    }
  }

  private static List<Path> examples() throws IOException {
    try (Stream<Path> s = Files.walk(EXAMPLES)) {
      return s.filter(p -> p.toString().endsWith(".java")).map(Path::normalize).toList();
    }
  }
}
