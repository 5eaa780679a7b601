package dev.covet.pg.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.util.TimeUtils;
import org.junit.jupiter.api.Test;
import org.springframework.boot.convert.DurationStyle;

/**
 * The starter's properties are the component's options: every option of covetpg.json has a
 * property with its name, type, default and description, enums list their values for the IDE,
 * and there is no property the component does not have. No database: this reads metadata only.
 */
class StarterMatchesComponentMetadataTest {

    /** The starter's own switches, which are not component options. */
    private static final List<String> STARTER_ONLY = List.of("camel.component.covetpg.enabled", "camel.component.covetpg.customizer.enabled");
    /** Options whose value is a bean: in properties, the bean's name. */
    private static final List<String> BEAN_REFERENCES = List.of("configuration", "vertx");

    @Test
    void everyComponentOptionIsAPropertyWithItsTypeDefaultAndDescription() {
        Map<String, JsonNode> properties = new HashMap<>();
        ComponentMetadata.springMetadata().get("properties").forEach(p -> properties.put(p.get("name").asText(), p));
        List<String> problems = new ArrayList<>();
        ComponentMetadata.componentOptions().forEach((option, camel) -> {
            String name = ComponentMetadata.property(option);
            JsonNode spring = properties.remove(name);
            if (spring == null) {
                problems.add(name + ": missing");
                return;
            }
            String expectedType = BEAN_REFERENCES.contains(option) ? "java.lang.String" : springType(camel);
            if (!expectedType.equals(spring.get("type").asText())) {
                problems.add(name + ": type " + spring.get("type").asText() + ", expected " + expectedType);
            }
            String description = camel.get("description").asText();
            String springDescription = spring.path("description").asText();
            if (BEAN_REFERENCES.contains(option) ? !springDescription.startsWith(description) : !springDescription.equals(description)) {
                problems.add(name + ": description differs:\n  spring: " + springDescription + "\n  camel:  " + description);
            }
            if (!sameDefault(camel, spring)) {
                problems.add(name + ": default " + spring.path("defaultValue") + ", expected " + camel.path("defaultValue"));
            }
        });
        STARTER_ONLY.forEach(properties::remove);
        properties.keySet().forEach(extra -> problems.add(extra + ": not a component option"));
        assertThat(problems).isEmpty();
    }

    @Test
    void everyEnumOptionOffersItsValuesAsHints() {
        Map<String, List<String>> hints = new HashMap<>();
        ComponentMetadata.springMetadata().path("hints").forEach(h -> {
            List<String> values = new ArrayList<>();
            h.get("values").forEach(v -> values.add(v.get("value").asText()));
            hints.put(h.get("name").asText(), values);
        });
        Map<String, List<String>> expected = new HashMap<>();
        ComponentMetadata.componentOptions().forEach((option, camel) -> {
            if (camel.has("enum")) {
                List<String> values = new ArrayList<>();
                camel.get("enum").forEach(v -> values.add(v.asText()));
                expected.put(ComponentMetadata.property(option), values);
            }
        });
        assertThat(hints).isEqualTo(expected);
    }

    @Test
    void theStarterOnlyAddsItsOwnSwitches() {
        TreeSet<String> names = new TreeSet<>();
        ComponentMetadata.springMetadata().get("properties").forEach(p -> names.add(p.get("name").asText()));
        assertThat(names).hasSize(ComponentMetadata.componentOptions().size() + STARTER_ONLY.size());
    }

    private static String springType(JsonNode camel) {
        String javaType = camel.get("javaType").asText();
        return switch (camel.get("type").asText()) {
            case "duration" -> "java.time.Duration";
            case "string", "enum" -> "java.lang.String";
            case "integer" -> "java.lang.Integer";
            case "boolean" -> "java.lang.Boolean";
            case "number" -> "java.lang.Double";
            case "object" -> javaType.startsWith("java.util.Map") ? "java.util.Map<java.lang.String,java.lang.String>" : javaType;
            default -> throw new IllegalArgumentException("unexpected option type " + camel.get("type"));
        };
    }

    private static boolean sameDefault(JsonNode camel, JsonNode spring) {
        JsonNode expected = camel.get("defaultValue");
        JsonNode actual = spring.get("defaultValue");
        if (expected == null || actual == null) {
            return expected == null && actual == null;
        }
        return switch (camel.get("type").asText()) {
            // Camel writes 10s, Spring 10s or 0ms: the same length of time
            case "duration" -> Duration.ofMillis(TimeUtils.toMilliSeconds(expected.asText())).equals(DurationStyle.detectAndParse(actual.asText()));
            case "integer", "number" -> expected.asDouble() == actual.asDouble();
            default -> expected.asText().equals(actual.asText());
        };
    }
}
