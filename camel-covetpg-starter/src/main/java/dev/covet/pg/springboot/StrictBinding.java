package dev.covet.pg.springboot;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Binds one component instance's properties as {@code @ConfigurationProperties} would, but
 * strictly: a key under the prefix that no option takes fails, and so does a value that does not
 * convert. The error names the keys, never their values (Spring Boot's own report prints them,
 * and a misspelt {@code pasword} would show the password).
 *
 * <p>Environment variables are checked apart: {@code CAMEL_COMPONENT_COVETPG_MAX_POOL_SIZE}
 * binds to {@code max-pool-size}, but its name reads back as {@code max.pool.size}, which
 * Spring's own strict check would call unknown. Here a variable is known when, without its
 * separators, it spells an option that was bound.
 */
final class StrictBinding {

    private StrictBinding() {
    }

    static CovetPgComponentConfiguration bind(Environment environment, String prefix) {
        BoundNames bound = new BoundNames(new NoUnboundElementsBindHandler(BindHandler.DEFAULT, source -> !fromEnvironment(source)));
        CovetPgComponentConfiguration properties;
        try {
            properties = Binder.get(environment).bindOrCreate(prefix, Bindable.of(CovetPgComponentConfiguration.class), bound);
        } catch (BindException e) {
            // thrown without its cause: the cause and Spring's failure report both carry the value
            if (e.getCause() instanceof UnboundConfigurationPropertiesException unbound) {
                throw unknown(prefix, unbound.getUnboundProperties().stream().map(ConfigurationProperty::getName).map(Object::toString).toList());
            }
            throw new IllegalStateException("The property " + e.getName() + " could not be read as a "
                    + e.getTarget().getType() + " (see docs/configuration.md for its form)");
        }
        checkEnvironmentVariables(environment, ConfigurationPropertyName.of(prefix), bound.names);
        return properties;
    }

    private static void checkEnvironmentVariables(Environment environment, ConfigurationPropertyName root, Set<ConfigurationPropertyName> boundNames) {
        Set<String> known = boundNames.stream().filter(root::isAncestorOf).map(n -> squashed(root, n)).collect(Collectors.toSet());
        List<String> unknown = new ArrayList<>();
        List<String> ambiguous = new ArrayList<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (!fromEnvironment(source) || !(source instanceof IterableConfigurationPropertySource variables)) {
                continue;
            }
            variables.stream().filter(root::isAncestorOf).forEach(name -> {
                String variable = name.toString().toUpperCase(Locale.ROOT).replace('.', '_');
                List<String> elements = elements(root, name);
                String squashed = String.join("", elements);
                if (squashed.startsWith("serversettings")) {
                    // SERVERSETTINGS_TIMEZONE is timezone; in SERVERSETTINGS_STATEMENT_TIMEOUT the
                    // underscore reads back as a dot, and the server would take statement.timeout
                    // for a custom setting of that name: refused rather than changed
                    int keyElements = elements.size() - (elements.get(0).equals("serversettings") ? 1 : 2);
                    if (keyElements != 1) {
                        ambiguous.add(variable);
                    }
                } else if (!known.contains(squashed)) {
                    unknown.add(variable);
                }
            });
        }
        if (!unknown.isEmpty()) {
            throw unknown(root.toString(), unknown);
        }
        if (!ambiguous.isEmpty()) {
            throw new IllegalStateException("Server settings whose name has an underscore or a dot cannot come from an environment"
                    + " variable (the variable's name cannot tell them apart): " + String.join(", ", ambiguous)
                    + ". Give them in application properties or YAML, e.g. " + root + ".server-settings.statement_timeout");
        }
    }

    private static IllegalStateException unknown(String prefix, List<String> names) {
        return new IllegalStateException("Unknown covetpg properties: " + names.stream().sorted().collect(Collectors.joining(", "))
                + ". The known ones are the component's options, in kebab case (e.g. " + prefix
                + ".max-pool-size); see docs/configuration.md.");
    }

    private static boolean fromEnvironment(ConfigurationPropertySource source) {
        return source.getUnderlyingSource() instanceof SystemEnvironmentPropertySource;
    }

    /** The name's elements below {@code root}, lower case and without dashes. */
    private static List<String> elements(ConfigurationPropertyName root, ConfigurationPropertyName name) {
        List<String> elements = new ArrayList<>();
        for (int i = root.getNumberOfElements(); i < name.getNumberOfElements(); i++) {
            elements.add(name.getElement(i, ConfigurationPropertyName.Form.UNIFORM));
        }
        return elements;
    }

    private static String squashed(ConfigurationPropertyName root, ConfigurationPropertyName name) {
        return String.join("", elements(root, name));
    }

    /** Remembers every name that was bound, for the environment variables' check. */
    private static final class BoundNames extends AbstractBindHandler {
        final Set<ConfigurationPropertyName> names = new HashSet<>();

        BoundNames(BindHandler parent) {
            super(parent);
        }

        @Override
        public Object onSuccess(ConfigurationPropertyName name, Bindable<?> target, BindContext context, Object result) {
            names.add(name);
            return super.onSuccess(name, target, context, result);
        }
    }
}
