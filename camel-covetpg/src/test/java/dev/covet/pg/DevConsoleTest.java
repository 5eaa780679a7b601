package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.console.DevConsole;
import org.apache.camel.console.DevConsoleRegistry;
import org.apache.camel.console.DevConsoleResolver;
import org.apache.camel.util.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The covetpg dev console, found as Camel finds it (the generated service file), showing a live pool. */
class DevConsoleTest extends CovetPgTestSupport {

    @Test
    void showsEveryPoolAndItsRecentSlowStatements() throws Exception {
        CamelContext context = newContext(c -> {
            c.setMinPoolSize(2);
            c.setMaxPoolSize(5);
            c.setSlowQueryThreshold(100);
        });
        // a second database's component is shown under its own name
        context.addComponent("covetpg2", component(c -> c.setMaxPoolSize(3)));
        context.start();
        String secret = "s3cr3t-" + System.nanoTime();
        assertThat(send(context, "covetpg:query?sql=SELECT pg_sleep(0.2), length(:#token) AS n", Map.of("token", secret))
                .getException()).isNull();
        assertThat(send(context, "covetpg2:query?sql=SELECT 1", null).getException()).isNull();

        DevConsole console = context.getCamelContextExtension().getContextPlugin(DevConsoleResolver.class).resolveDevConsole("covetpg");
        assertThat(console).as("resolved from META-INF/services/org/apache/camel/dev-console/covetpg").isNotNull();
        assertThat(console.getId()).isEqualTo("covetpg");

        String text = (String) console.call(DevConsole.MediaType.TEXT);
        assertThat(text).contains("covetpg (" + db.host()).contains("covetpg2 (")
                .contains("Pool: size 2 of max 5").contains("of max 3")
                .contains("query").contains("SELECT pg_sleep(0.2), length($1) AS n").doesNotContain(secret)
                .contains("Server " + db.host() + ":" + db.port() + ": primary, up, breaker closed");

        JsonObject json = (JsonObject) console.call(DevConsole.MediaType.JSON);
        List<JsonObject> components = json.getCollection("components");
        assertThat(components).extracting(c -> c.getString("name")).containsExactly("covetpg", "covetpg2");
        JsonObject first = components.get(0);
        JsonObject pool = first.getMap("pool");
        assertThat(pool.getInteger("size")).isEqualTo(2);
        assertThat(pool.getInteger("max")).isEqualTo(5);
        assertThat(pool.getInteger("inUse")).isZero();
        assertThat(first.getLong("slowQueryThreshold")).isEqualTo(100);
        List<JsonObject> servers = first.getCollection("servers");
        assertThat(servers).singleElement().satisfies(server -> {
            assertThat(server.getString("server")).isEqualTo(db.host() + ":" + db.port());
            assertThat(server.getString("role")).isEqualTo("primary");
            assertThat(server.getBoolean("up")).isTrue();
        });
        List<JsonObject> slow = first.getCollection("recentSlowQueries");
        assertThat(slow).singleElement().satisfies(q -> {
            assertThat(q.getString("operation")).isEqualTo("query");
            assertThat(q.getString("sql")).isEqualTo("SELECT pg_sleep(0.2), length($1) AS n");
            assertThat(q.getLong("millis")).isGreaterThanOrEqualTo(200);
            assertThat(q.getBoolean("succeeded")).isTrue();
        });
        assertThat(json.toJson()).doesNotContain(secret).doesNotContain(db.password().isEmpty() ? secret : db.password());
        List<JsonObject> none = components.get(1).getCollection("recentSlowQueries");
        assertThat(none).isEmpty();
    }

    @Test
    void isListedInTheDevConsoleRegistry() throws Exception {
        CamelContext context = startContext(c -> c.setMaxPoolSize(2));
        DevConsoleRegistry registry = DevConsoleRegistry.get(context);
        assertThat(registry).as("camel-console's registry").isNotNull();
        registry.loadDevConsoles(true); // what Camel Main does with camel.main.dev-console-enabled=true
        assertThat(registry.getConsoleIDs()).contains("covetpg");
        String text = (String) registry.getConsole("covetpg").orElseThrow().call(DevConsole.MediaType.TEXT);
        assertThat(text).contains("of max 2").contains("Slow-query log: off");
    }
}
