package dev.covet.pg.springboot;

import java.util.Map;
import java.util.Set;

import dev.covet.pg.CovetPgComponent;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertyConfigurer;

/**
 * Sets options on a covetpg component through its generated configurer, which converts each
 * value as Camel does for a URI or Camel Main; values are never run through Camel's property
 * binding, so a password that looks like {@code #bean:x} or {@code {{y}}} stays what it is.
 */
final class ComponentOptions {

    /** Options whose value is the name of a bean to use, not the value itself. */
    private static final Set<String> BEAN_REFERENCES = Set.of("configuration", "vertx");

    private final Map<String, Object> options;

    ComponentOptions(Map<String, Object> options) {
        this.options = options;
    }

    void applyTo(CovetPgComponent component) {
        CamelContext context = component.getCamelContext();
        PropertyConfigurer configurer = component.getComponentPropertyConfigurer();
        // a whole configuration replaces the options object: first, so the single options apply on top of it
        if (options.containsKey("configuration")) {
            set(context, configurer, component, "configuration", options.get("configuration"));
        }
        options.forEach((name, value) -> {
            if (!name.equals("configuration")) {
                set(context, configurer, component, name, value);
            }
        });
    }

    private static void set(CamelContext context, PropertyConfigurer configurer, CovetPgComponent component, String name, Object value) {
        Object resolved = BEAN_REFERENCES.contains(name) ? bean(context, name, (String) value) : value;
        if (!configurer.configure(context, component, name, resolved, false)) {
            throw new IllegalStateException("covetpg has no option " + name + " (the starter and the component are of different versions)");
        }
    }

    private static Object bean(CamelContext context, String option, String reference) {
        String beanName = reference.startsWith("#bean:") ? reference.substring("#bean:".length()) : reference;
        Object bean = context.getRegistry().lookupByName(beanName);
        if (bean == null) {
            throw new IllegalArgumentException("camel.component.covetpg." + option + " names the bean '" + beanName
                    + "', but the application has no bean of that name");
        }
        return bean;
    }
}
