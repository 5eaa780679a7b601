package dev.covet.pg.springboot;

import java.util.Map;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** An empty Spring Boot application, as a user's would be before its routes: only auto-configuration. */
@SpringBootConfiguration
@EnableAutoConfiguration
class SpringBootApp {

    /** Starts it with these properties (as if from application.properties) and any extra configuration classes. */
    static ConfigurableApplicationContext start(Map<String, Object> properties, Class<?>... configurations) {
        return start(properties, null, configurations);
    }

    /** As {@link #start(Map, Class[])}, with these environment variables in place of the process's (null: the process's). */
    static ConfigurableApplicationContext start(Map<String, Object> properties, Map<String, Object> environmentVariables,
            Class<?>... configurations) {
        Class<?>[] sources = new Class<?>[configurations.length + 1];
        sources[0] = SpringBootApp.class;
        System.arraycopy(configurations, 0, sources, 1, configurations.length);
        SpringApplicationBuilder builder = new SpringApplicationBuilder(sources)
                .web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF)
                .properties(properties);
        if (environmentVariables != null) {
            StandardEnvironment environment = new StandardEnvironment();
            environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                    new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, environmentVariables));
            builder.environment(environment);
        }
        return builder.run();
    }
}
