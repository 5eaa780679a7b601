package dev.covet.pg.springboot;

import java.util.stream.Collectors;

import dev.covet.pg.CovetPgComponent;
import org.apache.camel.Component;
import org.apache.camel.spi.ComponentCustomizer;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.apache.camel.spring.boot.ComponentConfigurationProperties;
import org.apache.camel.spring.boot.util.ConditionalOnCamelContextAndAutoConfigurationBeans;
import org.apache.camel.spring.boot.util.ConditionalOnHierarchicalProperties;
import org.apache.camel.spring.boot.util.HierarchicalPropertiesEvaluator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;

/**
 * Applies {@code camel.component.covetpg.*} to the covetpg component when Camel creates it, as
 * camel-spring-boot's own component starters do; {@code camel.component.covetpg.enabled=false}
 * (or {@code camel.component.enabled=false}) turns it off. A second database's component, a
 * {@code CovetPgComponent} bean named e.g. {@code reporting}, gets {@code camel.component.reporting.*}
 * by the same rules.
 *
 * <p>The properties are bound here rather than by {@code @EnableConfigurationProperties}, for two
 * reasons: an unknown key must fail the start, and the failure must not print the value, which
 * Spring Boot's own report does (a misspelt {@code pasword} would show the password).
 */
@AutoConfiguration(after = CamelAutoConfiguration.class)
@Conditional(ConditionalOnCamelContextAndAutoConfigurationBeans.class)
@EnableConfigurationProperties(ComponentConfigurationProperties.class)
@ConditionalOnHierarchicalProperties({ "camel.component", "camel.component.covetpg" })
public class CovetPgComponentAutoConfiguration {

    /** The name Camel registers the component under, and the properties' prefix after {@code camel.component.}. */
    static final String NAME = "covetpg";

    @Bean
    public ComponentCustomizer configureCovetPgComponent(ApplicationContext applicationContext) {
        Environment environment = applicationContext.getEnvironment();
        // bound now, so a wrong key fails the application's start even before a route uses covetpg
        CovetPgComponentConfiguration covetpg = bind(environment, prefix(NAME));
        return new ComponentCustomizer() {
            @Override
            public void configure(String name, Component target) {
                // each instance gets the properties under its own name, never covetpg's: a
                // second database's component must not be pointed at the first one's server
                CovetPgComponentConfiguration properties = NAME.equals(name) ? covetpg : bind(environment, prefix(name));
                new ComponentOptions(properties.options()).applyTo((CovetPgComponent) target);
            }

            @Override
            public boolean isEnabled(String name, Component target) {
                return target instanceof CovetPgComponent
                        && HierarchicalPropertiesEvaluator.evaluate(applicationContext,
                                "camel.component.customizer", prefix(name) + ".customizer");
            }
        };
    }

    static String prefix(String componentName) {
        // Spring's canonical form, which relaxed binding turns camel.component.reportingDb.url into
        return ConfigurationPropertyName.adapt("camel.component." + componentName, '.').toString();
    }

    /**
     * Binds one instance's properties as {@code @ConfigurationProperties} would, failing on a key
     * it does not know or a value it cannot convert; the error names the keys, never their values.
     */
    static CovetPgComponentConfiguration bind(Environment environment, String prefix) {
        try {
            return Binder.get(environment).bindOrCreate(prefix, Bindable.of(CovetPgComponentConfiguration.class),
                    new NoUnboundElementsBindHandler(BindHandler.DEFAULT));
        } catch (BindException e) {
            // thrown without its cause: the cause and Spring's failure report both carry the value
            if (e.getCause() instanceof UnboundConfigurationPropertiesException unbound) {
                throw new IllegalStateException("Unknown covetpg properties: " + unbound.getUnboundProperties().stream()
                        .map(ConfigurationProperty::getName).map(Object::toString).sorted().collect(Collectors.joining(", "))
                        + ". The known ones are the component's options, in kebab case (e.g. " + prefix
                        + ".max-pool-size); see docs/configuration.md.");
            }
            throw new IllegalStateException("The property " + e.getName() + " could not be read as a "
                    + e.getTarget().getType() + " (see docs/configuration.md for its form)");
        }
    }
}
