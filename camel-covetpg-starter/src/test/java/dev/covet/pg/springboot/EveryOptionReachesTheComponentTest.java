package dev.covet.pg.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.covet.pg.CovetPgComponent;
import dev.covet.pg.CovetPgComponentConfigurer;
import io.vertx.core.Vertx;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Each of the component's options, set in application properties to a value that is not its
 * default, arrives in the component with that value: one property forgotten by the starter
 * fails here by name. The component is created but not started, so no database is needed.
 */
class EveryOptionReachesTheComponentTest {

    @Test
    void everyOptionSetInPropertiesArrivesInTheComponent() {
        Map<String, Object> properties = new HashMap<>();
        Map<String, Object> expected = new HashMap<>();
        ComponentMetadata.componentOptions().forEach((option, camel) -> {
            switch (option) {
                case "configuration" -> properties.put(ComponentMetadata.property(option), "#bean:sharedConfiguration");
                case "vertx" -> properties.put(ComponentMetadata.property(option), "ownVertx");
                case "serverSettings" -> {
                    properties.put(ComponentMetadata.property(option) + "[statement_timeout]", "777");
                    expected.put(option, Map.of("statement_timeout", "777"));
                }
                default -> {
                    Object[] sample = sample(option, camel);
                    properties.put(ComponentMetadata.property(option), sample[0]);
                    expected.put(option, sample[1]);
                }
            }
        });
        try (ConfigurableApplicationContext app = SpringBootApp.start(properties, Beans.class)) {
            CovetPgComponent component = (CovetPgComponent) app.getBean(CamelContext.class).getComponent("covetpg", true, false);
            CovetPgComponentConfigurer configurer = new CovetPgComponentConfigurer();
            List<String> wrong = new ArrayList<>();
            expected.forEach((option, value) -> {
                Object actual = configurer.getOptionValue(component, option, false);
                if (!value.equals(actual instanceof Number n && value instanceof Number ? normalise(n, value) : actual)) {
                    wrong.add(option + " = " + actual + ", expected " + value);
                }
            });
            assertThat(wrong).isEmpty();
            // the bean references resolved to the beans: the configuration as a copy (the single
            // options land on it, not on the application's bean), the Vert.x itself
            assertThat(component.getConfiguration()).isNotSameAs(app.getBean("sharedConfiguration"));
            assertThat(app.getBean("sharedConfiguration", dev.covet.pg.CovetPgConfiguration.class).getMaxPoolSize()).isEqualTo(10);
            assertThat(component.getVertx()).isSameAs(app.getBean("ownVertx"));
        }
    }

    private static Object normalise(Number actual, Object expected) {
        return expected instanceof Double ? (Object) actual.doubleValue() : (Object) actual.longValue();
    }

    /** A value that is not the default, as a property string, and what the component should hold. */
    private static Object[] sample(String option, JsonNode camel) {
        JsonNode d = camel.get("defaultValue");
        return switch (camel.get("type").asText()) {
            case "duration" -> new Object[] {"1234ms", 1234L};
            case "integer" -> {
                long n = (d == null ? 0 : d.asLong()) + 7;
                yield new Object[] {Long.toString(n), n};
            }
            case "number" -> new Object[] {"0.55", 0.55};
            case "boolean" -> {
                boolean b = d == null || !d.asBoolean();
                yield new Object[] {Boolean.toString(b), b};
            }
            case "enum" -> {
                String last = camel.get("enum").get(camel.get("enum").size() - 1).asText();
                yield new Object[] {last, last};
            }
            case "string" -> new Object[] {"value-of-" + option, "value-of-" + option};
            default -> throw new IllegalArgumentException(option + " has an unexpected type " + camel.get("type"));
        };
    }

    @Configuration(proxyBeanMethods = false)
    static class Beans {
        @Bean
        dev.covet.pg.CovetPgConfiguration sharedConfiguration() {
            return new dev.covet.pg.CovetPgConfiguration();
        }

        @Bean(destroyMethod = "close")
        Vertx ownVertx() {
            return Vertx.vertx();
        }
    }
}
