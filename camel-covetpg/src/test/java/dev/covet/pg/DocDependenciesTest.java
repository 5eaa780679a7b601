package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The Maven snippets of docs/installation.md name the versions the project is built and tested
 * with: each {@code <version>} of a snippet equals the root pom's, so a version bump that forgets
 * the docs fails here.
 */
@Tag("fast")
class DocDependenciesTest {

    private static final Pattern XML = Pattern.compile("^```xml\\n(.*?)^```", Pattern.MULTILINE | Pattern.DOTALL);
    private static final Pattern DEPENDENCY = Pattern.compile("<artifactId>([^<]+)</artifactId>\\s*<version>([^<]+)</version>");

    /** Which root pom property each artifact of the snippets is built with. */
    private static final Map<String, String> PROPERTY = Map.of(
            "jackson-bom", "jackson.version",
            "camel-spring-boot-bom", "camel.version",
            "spring-boot-dependencies", "spring-boot.version",
            "camel-covetpg", "project.version",
            "camel-covetpg-starter", "project.version");

    @Test
    void theSnippetsVersionsAreTheBuildsOwn() throws IOException {
        String pom = Files.readString(Path.of("..", "pom.xml"));
        Matcher blocks = XML.matcher(Files.readString(Path.of("..", "docs", "installation.md")));
        int checked = 0;
        while (blocks.find()) {
            Matcher dependency = DEPENDENCY.matcher(blocks.group(1));
            while (dependency.find()) {
                String artifact = dependency.group(1);
                assertThat(PROPERTY).as("docs/installation.md names " + artifact + ": say here which pom property it follows")
                        .containsKey(artifact);
                assertThat(dependency.group(2)).as(artifact + "'s version in docs/installation.md")
                        .isEqualTo(property(pom, PROPERTY.get(artifact)));
                checked++;
            }
        }
        assertThat(checked).as("versions checked").isGreaterThanOrEqualTo(5);
    }

    private static String property(String pom, String name) {
        Matcher m = Pattern.compile(name.equals("project.version")
                ? "<artifactId>covetpg-parent</artifactId>\\s*<version>([^<]+)</version>"
                : "<" + Pattern.quote(name) + ">([^<]+)</" + Pattern.quote(name) + ">").matcher(pom);
        assertThat(m.find()).as(name + " in pom.xml").isTrue();
        return m.group(1);
    }
}
