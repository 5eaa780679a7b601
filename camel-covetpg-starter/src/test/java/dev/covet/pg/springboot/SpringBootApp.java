package dev.covet.pg.springboot;

import java.util.Map;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** An empty Spring Boot application, as a user's would be before its routes: only auto-configuration. */
@SpringBootConfiguration
@EnableAutoConfiguration
class SpringBootApp {

    /** Starts it with these properties (as if from application.properties) and any extra configuration classes. */
    static ConfigurableApplicationContext start(Map<String, Object> properties, Class<?>... configurations) {
        Class<?>[] sources = new Class<?>[configurations.length + 1];
        sources[0] = SpringBootApp.class;
        System.arraycopy(configurations, 0, sources, 1, configurations.length);
        return new SpringApplicationBuilder(sources)
                .web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF)
                .properties(properties)
                .run();
    }
}
