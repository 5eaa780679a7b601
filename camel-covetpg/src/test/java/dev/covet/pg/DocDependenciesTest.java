package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The Maven snippets of the docs (docs/installation.md) name the versions the project is built and tested
 * with: each {@code <version>} of a snippet equals the root pom's, so a version bump that forgets
 * the docs fails here.
 */
@Tag("fast")
class DocDependenciesTest {

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
        String pom = Files.readString(DocPages.ROOT.resolve("pom.xml"));
        int checked = 0;
        for (DocPages.Block block : DocPages.blocks("xml")) {
            Matcher dependency = DEPENDENCY.matcher(block.code());
            while (dependency.find()) {
                String artifact = dependency.group(1);
                assertThat(PROPERTY).as(block + " names " + artifact + ": say here which pom property it follows")
                        .containsKey(artifact);
                assertThat(dependency.group(2)).as(block + ": " + artifact + "'s version")
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
