package dev.covet.pg.springboot;

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
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;

/**
 * Applies {@code camel.component.covetpg.*} to the covetpg component when Camel creates it, as
 * camel-spring-boot's own component starters do. A second database's component, a
 * {@code CovetPgComponent} bean named e.g. {@code reporting}, gets {@code camel.component.reporting.*}
 * by the same rules. {@code camel.component.<name>.enabled=false} turns it off for that
 * instance, {@code camel.component.enabled=false} for all.
 *
 * <p>The properties are bound by {@link StrictBinding} rather than by
 * {@code @EnableConfigurationProperties}: an unknown key must fail the start, and the failure
 * must not print the value, which Spring Boot's own report does.
 */
@AutoConfiguration(after = CamelAutoConfiguration.class)
@Conditional(ConditionalOnCamelContextAndAutoConfigurationBeans.class)
@EnableConfigurationProperties(ComponentConfigurationProperties.class)
@ConditionalOnHierarchicalProperties("camel.component")
public class CovetPgComponentAutoConfiguration {

    /** The name Camel registers the component under, and the properties' prefix after {@code camel.component.}. */
    static final String NAME = "covetpg";

    @Bean
    public ComponentCustomizer configureCovetPgComponent(ApplicationContext applicationContext) {
        Environment environment = applicationContext.getEnvironment();
        // bound now, so a wrong key fails the application's start even before a route uses covetpg
        CovetPgComponentConfiguration covetpg = enabled(environment, NAME) ? StrictBinding.bind(environment, prefix(NAME)) : null;
        return new ComponentCustomizer() {
            @Override
            public void configure(String name, Component target) {
                // each instance gets the properties under its own name, never covetpg's: a
                // second database's component must not be pointed at the first one's server
                String prefix = prefix(name);
                CovetPgComponentConfiguration properties = NAME.equals(name) ? covetpg : StrictBinding.bind(environment, prefix);
                new ComponentOptions(prefix, properties.options()).applyTo((CovetPgComponent) target);
            }

            @Override
            public boolean isEnabled(String name, Component target) {
                return target instanceof CovetPgComponent && enabled(environment, name)
                        && HierarchicalPropertiesEvaluator.evaluate(environment, "camel.component.customizer", prefix(name) + ".customizer");
            }
        };
    }

    /** {@code camel.component.<name>.enabled}, which defaults to {@code camel.component.enabled}, which defaults to true. */
    private static boolean enabled(Environment environment, String componentName) {
        return HierarchicalPropertiesEvaluator.evaluate(environment, "camel.component", prefix(componentName));
    }

    static String prefix(String componentName) {
        // Spring's canonical form, which relaxed binding turns camel.component.reportingDb.url into
        return ConfigurationPropertyName.adapt("camel.component." + componentName, '.').toString();
    }
}
