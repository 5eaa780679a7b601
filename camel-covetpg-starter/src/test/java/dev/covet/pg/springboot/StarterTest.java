package dev.covet.pg.springboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.covet.pg.CovetPgComponent;
import dev.covet.pg.testdb.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.ComponentCustomizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A Spring Boot application with the starter, against a real PostgreSQL: what application
 * properties say is what the component does, and a property it does not know fails the start.
 * Everything is checked from outside: rows and sessions through a separate JDBC connection.
 */
class StarterTest {

    /** Not the fixture's own database, so rows that land in a default database are not mistaken for success. */
    private static TestDatabase target;

    @BeforeAll
    static void createDatabase() {
        target = TestDatabase.shared().freshDatabase("covetpg_starter");
        target.execute("CREATE TABLE landed (id int PRIMARY KEY, note text)");
    }

    private static Map<String, Object> connectionProperties() {
        Map<String, Object> p = new HashMap<>();
        p.put("camel.component.covetpg.url", target.url());
        if (target.password() != null && !target.password().isEmpty()) {
            p.put("camel.component.covetpg.password", target.password());
        }
        return p;
    }

    @Test
    void applicationPropertiesReachTheComponentAndItsRowsLandInTheConfiguredDatabase() throws Exception {
        String applicationName = "starter-" + System.nanoTime();
        Map<String, Object> p = connectionProperties();
        p.put("camel.component.covetpg.application-name", applicationName);
        p.put("camel.component.covetpg.min-pool-size", "2");
        p.put("camel.component.covetpg.max-pool-size", "2");
        p.put("camel.component.covetpg.acquire-timeout", "5s");
        // server settings keep their names, in Spring's bracket form or without it
        p.put("camel.component.covetpg.server-settings[statement_timeout]", "4321");
        p.put("camel.component.covetpg.server-settings.lock_timeout", "1234");
        p.put("management.endpoint.health.show-details", "always");
        // Camel reports only the first check while all are up, unless asked for each
        p.put("camel.health.exposure-level", "full");
        try (ConfigurableApplicationContext app = SpringBootApp.start(p)) {
            CamelContext camel = app.getBean(CamelContext.class);
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:load").to("covetpg:batch?table=landed");
                }
            });
            ProducerTemplate template = camel.createProducerTemplate();
            template.sendBody("direct:load", List.of(Map.of("id", 1, "note", "{{not.a.placeholder}}"), Map.of("id", 2, "note", "two")));

            assertThat(target.query("SELECT id, note FROM landed ORDER BY id"))
                    .containsExactly(Map.of("id", 1, "note", "{{not.a.placeholder}}"), Map.of("id", 2, "note", "two"));
            assertThat(target.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = '" + applicationName
                    + "' AND datname = current_database()")).containsExactly(Map.of("n", 2));
            assertThat(template.requestBody("covetpg:query?sql=SHOW statement_timeout&outputType=SelectValue", null, String.class))
                    .isEqualTo("4321ms");
            assertThat(template.requestBody("covetpg:query?sql=SHOW lock_timeout&outputType=SelectValue", null, String.class))
                    .isEqualTo("1234ms");

            // the component's health check in Actuator's health, through camel-spring-boot
            IndicatedHealthDescriptor camelHealth = (IndicatedHealthDescriptor) app.getBean(HealthEndpoint.class).healthForPath("camelHealth");
            assertThat(camelHealth.getDetails()).containsEntry("covetpg", "UP");
            // and its meters in the application's Micrometer registry
            MeterRegistry registry = app.getBean(MeterRegistry.class);
            assertThat(registry.get("covetpg.pool.size").tag("component", "covetpg").gauge().value()).isEqualTo(2.0);
            assertThat(registry.get("covetpg.rows").tag("operation", "batch").counter().count()).isEqualTo(2.0);
        }
    }

    @Test
    void aMisspeltKeyFailsTheStartWithItsNameAndNotItsValue() {
        Map<String, Object> p = connectionProperties();
        p.put("camel.component.covetpg.max-pol-size", "2");
        p.put("camel.component.covetpg.pasword", "s3cret-never-shown");
        Failure failure = failedStart(p);
        assertThat(failure.messages()).contains("camel.component.covetpg.max-pol-size", "camel.component.covetpg.pasword");
        assertThat(failure.messages() + failure.printed()).doesNotContain("s3cret-never-shown");
    }

    @Test
    void aValueOfTheWrongTypeFailsTheStartWithTheKeyAndNeverEchoesAPassword() {
        Map<String, Object> p = connectionProperties();
        p.put("camel.component.covetpg.password", "s3cret-never-shown");
        p.put("camel.component.covetpg.max-pool-size", "ten");
        Failure failure = failedStart(p);
        assertThat(failure.messages()).contains("camel.component.covetpg.max-pool-size", "int");
        assertThat(failure.messages() + failure.printed()).doesNotContain("s3cret-never-shown");
    }

    @Test
    void durationsTakeSpringBootsFormsAndOneThatIsNotWholeMillisecondsFails() {
        Map<String, Object> p = new HashMap<>();
        p.put("camel.component.covetpg.acquire-timeout", "soon");
        assertThat(failedStart(p).messages()).contains("camel.component.covetpg.acquire-timeout", "Duration");
        for (String finer : List.of("500us", "-1s", "PT0.0005S")) {
            p.put("camel.component.covetpg.acquire-timeout", finer);
            try (ConfigurableApplicationContext app = SpringBootApp.start(p)) {
                CamelContext camel = app.getBean(CamelContext.class);
                // never silently 0 (no limit): the component refuses it when Camel creates it
                assertThatThrownBy(() -> camel.getComponent("covetpg", true, false)).as(finer)
                        .satisfies(e -> assertThat(messages(e)).contains("camel.component.covetpg.acquire-timeout", "whole number of milliseconds"));
            }
        }

        p.put("camel.component.covetpg.acquire-timeout", "1500");  // a plain number is milliseconds, as in Camel
        p.put("camel.component.covetpg.idle-timeout", "2m");
        try (ConfigurableApplicationContext app = SpringBootApp.start(p)) {
            CovetPgComponent component = (CovetPgComponent) app.getBean(CamelContext.class).getComponent("covetpg", true, false);
            assertThat(component.getConfiguration().getAcquireTimeout()).isEqualTo(1500L);
            assertThat(component.getConfiguration().getIdleTimeout()).isEqualTo(120_000L);
        }
    }

    /** What a failed start threw, and what it printed meanwhile (Spring Boot reports a failed start on the console). */
    record Failure(String messages, String printed) {
    }

    static Failure failedStart(Map<String, Object> properties) {
        return failedStart(properties, null);
    }

    static Failure failedStart(Map<String, Object> properties, Map<String, Object> environmentVariables) {
        java.io.PrintStream out = System.out;
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        java.io.PrintStream capture = new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        try {
            SpringBootApp.start(properties, environmentVariables).close();
        } catch (RuntimeException e) {
            return new Failure(messages(e), printed.toString(java.nio.charset.StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        throw new AssertionError("the application started");
    }

    @ParameterizedTest
    @ValueSource(strings = {"camel.component.covetpg.enabled", "camel.component.enabled", "camel.component.covetpg.customizer.enabled"})
    void eachSwitchLeavesTheComponentAsIfTheStarterWereAbsent(String off) {
        Map<String, Object> p = new HashMap<>();
        p.put(off, "false");
        p.put("camel.component.covetpg.application-name", "must-not-arrive");
        try (ConfigurableApplicationContext app = SpringBootApp.start(p)) {
            if (off.equals("camel.component.enabled")) {
                assertThat(app.getBeansOfType(ComponentCustomizer.class)).doesNotContainKey("configureCovetPgComponent");
            }
            CovetPgComponent component = (CovetPgComponent) app.getBean(CamelContext.class).getComponent("covetpg", true, false);
            // nothing set: the component resolves its own default (camel-covetpg) at start
            assertThat(component.getConfiguration().getApplicationName()).isNull();
        }
    }

    @Test
    void aSecondDatabasesComponentGetsItsOwnPropertiesAndNeverTheFirstOnes() {
        Map<String, Object> p = new HashMap<>();
        p.put("camel.component.covetpg.url", "postgresql://first@first-host:5432/first");
        p.put("camel.component.covetpg.application-name", "first");
        p.put("camel.component.reporting.url", "postgresql://second@second-host:5433/second");
        p.put("camel.component.reporting.max-pool-size", "3");
        try (ConfigurableApplicationContext app = SpringBootApp.start(p, SecondComponent.class)) {
            CamelContext camel = app.getBean(CamelContext.class);
            CovetPgComponent first = (CovetPgComponent) camel.getComponent("covetpg", true, false);
            CovetPgComponent second = (CovetPgComponent) camel.getComponent("reporting", true, false);
            assertThat(first.getConfiguration().getUrl()).isEqualTo("postgresql://first@first-host:5432/first");
            assertThat(first.getConfiguration().getApplicationName()).isEqualTo("first");
            assertThat(second.getConfiguration().getUrl()).isEqualTo("postgresql://second@second-host:5433/second");
            assertThat(second.getConfiguration().getMaxPoolSize()).isEqualTo(3);
            assertThat(second.getConfiguration().getApplicationName()).isNull();
        }
    }

    @Test
    void aMisspeltKeyOfASecondComponentFailsWhenCamelCreatesIt() {
        Map<String, Object> p = new HashMap<>();
        p.put("camel.component.reporting.max-pol-size", "3");
        try (ConfigurableApplicationContext app = SpringBootApp.start(p, SecondComponent.class)) {
            CamelContext camel = app.getBean(CamelContext.class);
            assertThatThrownBy(() -> camel.getComponent("reporting", true, false))
                    .satisfies(e -> assertThat(messages(e)).contains("camel.component.reporting.max-pol-size"));
        }
    }

    @Test
    void environmentVariablesInSpringBootsFormReachTheComponent() {
        Map<String, Object> env = Map.of(
                "CAMEL_COMPONENT_COVETPG_MAX_POOL_SIZE", "17",
                "CAMEL_COMPONENT_COVETPG_ACQUIRE_TIMEOUT", "5s",
                "CAMEL_COMPONENT_COVETPG_SSL_MODE", "require",
                "CAMEL_COMPONENT_COVETPG_APPLICATIONNAME", "run-together",
                "CAMEL_COMPONENT_COVETPG_SERVERSETTINGS_TIMEZONE", "UTC");
        try (ConfigurableApplicationContext app = SpringBootApp.start(Map.of(), env)) {
            var configuration = ((CovetPgComponent) app.getBean(CamelContext.class).getComponent("covetpg", true, false)).getConfiguration();
            assertThat(configuration.getMaxPoolSize()).isEqualTo(17);
            assertThat(configuration.getAcquireTimeout()).isEqualTo(5000L);
            assertThat(configuration.getSslMode()).isEqualTo("require");
            assertThat(configuration.getApplicationName()).isEqualTo("run-together");
            assertThat(configuration.getServerSettings()).isEqualTo(Map.of("timezone", "UTC"));
        }
    }

    @Test
    void aMisspeltEnvironmentVariableFailsTheStartWithItsNameAndNotItsValue() {
        Failure failure = failedStart(Map.of(), Map.of("CAMEL_COMPONENT_COVETPG_MAX_POL_SIZE", "17",
                "CAMEL_COMPONENT_COVETPG_PASSWROD", "s3cret-never-shown"));
        assertThat(failure.messages()).contains("CAMEL_COMPONENT_COVETPG_MAX_POL_SIZE", "CAMEL_COMPONENT_COVETPG_PASSWROD");
        assertThat(failure.messages() + failure.printed()).doesNotContain("s3cret-never-shown");
    }

    @Test
    void aServerSettingWithAnUnderscoreIsRefusedFromAnEnvironmentVariableRatherThanRenamed() {
        // the variable's name cannot say statement_timeout: it would arrive as statement.timeout,
        // a custom setting the server accepts and nothing reads
        Failure failure = failedStart(Map.of(), Map.of("CAMEL_COMPONENT_COVETPG_SERVERSETTINGS_STATEMENT_TIMEOUT", "5s"));
        assertThat(failure.messages()).contains("CAMEL_COMPONENT_COVETPG_SERVERSETTINGS_STATEMENT_TIMEOUT", "server-settings.statement_timeout");
    }

    @Test
    void propertiesAddToAComponentBeansOwnSettingsAndLeaveTheRestAsTheBeanSaysIt() {
        Map<String, Object> p = new HashMap<>();
        p.put("camel.component.covetpg.server-settings[search_path]", "etl");
        p.put("camel.component.covetpg.max-pool-size", "3");
        try (ConfigurableApplicationContext app = SpringBootApp.start(p, OwnComponent.class)) {
            var configuration = ((CovetPgComponent) app.getBean(CamelContext.class).getComponent("covetpg", true, false)).getConfiguration();
            assertThat(configuration.getUrl()).isEqualTo("postgresql://own@own-host/own");
            assertThat(configuration.getApplicationName()).isEqualTo("own-app");
            assertThat(configuration.getMaxPoolSize()).isEqualTo(3);
            assertThat(configuration.getServerSettings()).containsExactly(Map.entry("timezone", "UTC"), Map.entry("search_path", "etl"));
        }
    }

    @Test
    void twoComponentsNamingOneConfigurationBeanEachKeepTheirOwnDatabase() {
        Map<String, Object> p = new HashMap<>();
        p.put("camel.component.covetpg.configuration", "sharedConfiguration");
        p.put("camel.component.covetpg.url", "postgresql://first@first/first");
        p.put("camel.component.reporting.configuration", "#bean:sharedConfiguration");
        p.put("camel.component.reporting.url", "postgresql://second@second/second");
        try (ConfigurableApplicationContext app = SpringBootApp.start(p, SecondComponent.class, SharedConfiguration.class)) {
            CamelContext camel = app.getBean(CamelContext.class);
            CovetPgComponent first = (CovetPgComponent) camel.getComponent("covetpg", true, false);
            CovetPgComponent second = (CovetPgComponent) camel.getComponent("reporting", true, false);
            assertThat(first.getConfiguration().getUrl()).isEqualTo("postgresql://first@first/first");
            assertThat(second.getConfiguration().getUrl()).isEqualTo("postgresql://second@second/second");
            // both started from the bean's settings; the bean itself is left as the application made it
            assertThat(first.getConfiguration().getApplicationName()).isEqualTo("shared-app");
            assertThat(second.getConfiguration().getApplicationName()).isEqualTo("shared-app");
            assertThat(app.getBean("sharedConfiguration", dev.covet.pg.CovetPgConfiguration.class).getUrl()).isNull();
        }
    }

    @Test
    void aBeanReferenceToNoBeanFailsNamingTheInstancesOwnProperty() {
        try (ConfigurableApplicationContext app = SpringBootApp.start(Map.of("camel.component.reporting.vertx", "nope"), SecondComponent.class)) {
            CamelContext camel = app.getBean(CamelContext.class);
            assertThatThrownBy(() -> camel.getComponent("reporting", true, false))
                    .satisfies(e -> assertThat(messages(e)).contains("camel.component.reporting.vertx", "'nope'"));
        }
    }

    @Test
    void valuesThatLookLikeCamelSyntaxArriveAsWritten() {
        Map<String, Object> p = new HashMap<>();
        p.put("camel.component.covetpg.password", "#bean:ownVertx");
        p.put("camel.component.covetpg.user", "{{y}}");
        p.put("camel.component.covetpg.application-name", "RAW(x)");
        p.put("camel.component.covetpg.ssl-key", "s3cret\\${x}"); // Spring's escape for a $ that is not a placeholder
        try (ConfigurableApplicationContext app = SpringBootApp.start(p)) {
            var configuration = ((CovetPgComponent) app.getBean(CamelContext.class).getComponent("covetpg", true, false)).getConfiguration();
            assertThat(configuration.getSslKey()).isEqualTo("s3cret${x}");
            assertThat(configuration.getPassword()).isEqualTo("#bean:ownVertx");
            assertThat(configuration.getUser()).isEqualTo("{{y}}");
            assertThat(configuration.getApplicationName()).isEqualTo("RAW(x)");
        }
    }

    @Test
    void eachInstanceHasItsOwnSwitch() {
        Map<String, Object> p = new HashMap<>();
        p.put("camel.component.covetpg.enabled", "false");
        p.put("camel.component.covetpg.url", "postgresql://first@first/first");
        p.put("camel.component.reporting.url", "postgresql://second@second/second");
        try (ConfigurableApplicationContext app = SpringBootApp.start(p, SecondComponent.class)) {
            CamelContext camel = app.getBean(CamelContext.class);
            assertThat(((CovetPgComponent) camel.getComponent("covetpg", true, false)).getConfiguration().getUrl()).isNull();
            assertThat(((CovetPgComponent) camel.getComponent("reporting", true, false)).getConfiguration().getUrl())
                    .isEqualTo("postgresql://second@second/second");
        }
        p.remove("camel.component.covetpg.enabled");
        p.put("camel.component.reporting.enabled", "false");
        try (ConfigurableApplicationContext app = SpringBootApp.start(p, SecondComponent.class)) {
            CamelContext camel = app.getBean(CamelContext.class);
            assertThat(((CovetPgComponent) camel.getComponent("covetpg", true, false)).getConfiguration().getUrl())
                    .isEqualTo("postgresql://first@first/first");
            assertThat(((CovetPgComponent) camel.getComponent("reporting", true, false)).getConfiguration().getUrl()).isNull();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnComponent {
        @Bean("covetpg")
        CovetPgComponent covetpg() {
            CovetPgComponent component = new CovetPgComponent();
            component.getConfiguration().setUrl("postgresql://own@own-host/own");
            component.getConfiguration().setApplicationName("own-app");
            component.getConfiguration().getServerSettings().put("timezone", "UTC");
            return component;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class SharedConfiguration {
        @Bean
        dev.covet.pg.CovetPgConfiguration sharedConfiguration() {
            dev.covet.pg.CovetPgConfiguration configuration = new dev.covet.pg.CovetPgConfiguration();
            configuration.setApplicationName("shared-app");
            return configuration;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class SecondComponent {
        @Bean("reporting")
        CovetPgComponent reporting() {
            return new CovetPgComponent();
        }
    }

    /** Every message in a cause chain, as a user reads a failed start. */
    static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }
}
