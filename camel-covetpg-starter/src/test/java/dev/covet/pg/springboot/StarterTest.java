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

    private static final TestDatabase db = TestDatabase.shared();
    /** Not the fixture's own database, so rows that land in a default database are not mistaken for success. */
    private static final String DATABASE = "covetpg_starter";

    @BeforeAll
    static void createDatabase() {
        db.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)", "CREATE DATABASE " + DATABASE);
        try (var c = java.sql.DriverManager.getConnection(jdbcUrl(), db.user(), db.password()); var st = c.createStatement()) {
            st.execute("CREATE TABLE landed (id int PRIMARY KEY, note text)");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String jdbcUrl() {
        return "jdbc:postgresql://" + db.host() + ":" + db.port() + "/" + DATABASE;
    }

    private static Map<String, Object> connectionProperties() {
        Map<String, Object> p = new HashMap<>();
        p.put("camel.component.covetpg.url", "postgresql://" + db.user() + "@" + db.host() + ":" + db.port() + "/" + DATABASE);
        if (db.password() != null && !db.password().isEmpty()) {
            p.put("camel.component.covetpg.password", db.password());
        }
        return p;
    }

    private static List<Map<String, Object>> observe(String sql) {
        List<Map<String, Object>> rows = new java.util.ArrayList<>();
        try (var c = java.sql.DriverManager.getConnection(jdbcUrl(), db.user(), db.password());
                var st = c.createStatement(); var rs = st.executeQuery(sql)) {
            while (rs.next()) {
                Map<String, Object> row = new java.util.LinkedHashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                }
                rows.add(row);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    @Test
    void applicationPropertiesReachTheComponentAndItsRowsLandInTheConfiguredDatabase() throws Exception {
        String applicationName = "starter-" + System.nanoTime();
        Map<String, Object> p = connectionProperties();
        p.put("camel.component.covetpg.application-name", applicationName);
        p.put("camel.component.covetpg.min-pool-size", "2");
        p.put("camel.component.covetpg.max-pool-size", "2");
        p.put("camel.component.covetpg.acquire-timeout", "5s");
        // a server setting with an underscore needs Spring's bracket form to keep its key
        p.put("camel.component.covetpg.server-settings[statement_timeout]", "4321");
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

            assertThat(observe("SELECT id, note FROM landed ORDER BY id"))
                    .containsExactly(Map.of("id", 1, "note", "{{not.a.placeholder}}"), Map.of("id", 2, "note", "two"));
            assertThat(observe("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = '" + applicationName
                    + "' AND datname = '" + DATABASE + "'")).containsExactly(Map.of("n", 2));
            assertThat(template.requestBody("covetpg:query?sql=SHOW statement_timeout&outputType=SelectValue", null, String.class))
                    .isEqualTo("4321ms");

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
    void aWrongDurationFailsTheStartAndCamelsFormsAreAccepted() {
        Map<String, Object> p = new HashMap<>();
        p.put("camel.component.covetpg.acquire-timeout", "soon");
        assertThat(failedStart(p).messages()).contains("camel.component.covetpg.acquire-timeout", "Duration");

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
        java.io.PrintStream out = System.out;
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        java.io.PrintStream capture = new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        try {
            SpringBootApp.start(properties).close();
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
            if (off.endsWith(".enabled") && !off.contains("customizer")) {
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
