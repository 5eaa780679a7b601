package dev.covet.pg.springboot;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import dev.covet.pg.CovetPgComponent;
import dev.covet.pg.CovetPgConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertyConfigurer;

/**
 * Sets the options properties gave on a covetpg component, through its generated configurer,
 * which converts each value as Camel does for a URI or Camel Main. Values are never run through
 * Camel's property binding, so a password that looks like {@code #bean:x} or {@code {{y}}} stays
 * what it is.
 */
final class ComponentOptions {

    private final String prefix;
    private final Map<String, Object> options;

    /** @param prefix the properties' prefix, for messages ({@code camel.component.covetpg}) */
    ComponentOptions(String prefix, Map<String, Object> options) {
        this.prefix = prefix;
        this.options = options;
    }

    void applyTo(CovetPgComponent component) {
        CamelContext context = component.getCamelContext();
        PropertyConfigurer configurer = component.getComponentPropertyConfigurer();
        // a whole configuration replaces the options object: first, so the single options apply on
        // top; a copy, so two components naming the same bean do not write into each other
        if (options.containsKey("configuration")) {
            CovetPgConfiguration shared = bean(context, "configuration", CovetPgConfiguration.class);
            set(context, configurer, component, "configuration", shared.copy());
        }
        options.forEach((name, value) -> {
            switch (name) {
                case "configuration" -> { }
                case "vertx" -> set(context, configurer, component, name, bean(context, name, io.vertx.core.Vertx.class));
                // added to the component's own run-time settings (a bean's, a configuration's), not instead of them
                case "serverSettings" -> {
                    CovetPgConfiguration own = component.getConfiguration();
                    Map<String, Object> merged = new LinkedHashMap<>(own != null ? own.getServerSettings() : Map.of());
                    merged.putAll(stringKeys((Map<?, ?>) value));
                    set(context, configurer, component, name, merged);
                }
                default -> set(context, configurer, component, name, value instanceof Duration d ? millis(name, d) : value);
            }
        });
    }

    private static void set(CamelContext context, PropertyConfigurer configurer, CovetPgComponent component, String name, Object value) {
        if (!configurer.configure(context, component, name, value, false)) {
            throw new IllegalStateException("covetpg has no option " + name + " (the starter and the component are of different versions)");
        }
    }

    /** covetpg's time limits are whole milliseconds: a finer or negative one would silently become another. */
    private long millis(String option, Duration d) {
        if (d.isNegative() || d.toNanos() % 1_000_000 != 0) {
            throw new IllegalArgumentException(property(option) + " must be a whole number of milliseconds, 0 or more (0 is no limit)");
        }
        return d.toMillis();
    }

    private <T> T bean(CamelContext context, String option, Class<T> type) {
        String reference = (String) options.get(option);
        String beanName = reference.startsWith("#bean:") ? reference.substring("#bean:".length()) : reference;
        Object bean = context.getRegistry().lookupByName(beanName);
        if (bean == null) {
            throw new IllegalArgumentException(property(option) + " names the bean '" + beanName + "', but the application has no bean of that name");
        }
        if (!type.isInstance(bean)) {
            throw new IllegalArgumentException(property(option) + " names the bean '" + beanName + "', which is a "
                    + bean.getClass().getName() + ", not a " + type.getName());
        }
        return type.cast(bean);
    }

    private String property(String option) {
        return property(prefix, option);
    }

    /** The Spring Boot property of a Camel option: {@code maxPoolSize} under {@code camel.component.covetpg} is {@code camel.component.covetpg.max-pool-size}. */
    static String property(String prefix, String option) {
        return prefix + "." + option.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
    }

    private static Map<String, Object> stringKeys(Map<?, ?> map) {
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(String.valueOf(k), v));
        return copy;
    }
}
