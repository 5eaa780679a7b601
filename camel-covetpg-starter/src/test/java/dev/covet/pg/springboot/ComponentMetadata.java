package dev.covet.pg.springboot;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The two descriptions of the same options that must agree: the component's covetpg.json and Spring's metadata. */
final class ComponentMetadata {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ComponentMetadata() {
    }

    /** covetpg.json's component options, by Camel name, as the component's jar ships them. */
    static Map<String, JsonNode> componentOptions() {
        Map<String, JsonNode> options = new LinkedHashMap<>();
        read("META-INF/dev/covet/pg/covetpg.json").get("componentProperties").properties()
                .forEach(e -> options.put(e.getKey(), e.getValue()));
        return options;
    }

    static JsonNode springMetadata() {
        return read("META-INF/spring-configuration-metadata.json");
    }

    /** The Spring Boot property for a Camel option: {@code maxPoolSize} is {@code camel.component.covetpg.max-pool-size}. */
    static String property(String option) {
        return ComponentOptions.property("camel.component.covetpg", option);
    }

    private static JsonNode read(String resource) {
        try (InputStream in = ComponentMetadata.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the classpath");
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
