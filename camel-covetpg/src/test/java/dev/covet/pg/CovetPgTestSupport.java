package dev.covet.pg;

import dev.covet.pg.testdb.TestDatabase;
import java.util.function.Consumer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;

/**
 * Starts Camel contexts whose covetpg component points at the shared test database, and stops
 * them after each test. Observations of the server go through plain JDBC ({@link #db}).
 */
public abstract class CovetPgTestSupport {

    protected static final TestDatabase db = TestDatabase.shared();

    private final StartedContexts contexts = new StartedContexts();

    /** A started context with a covetpg component configured for the test database, then by {@code config}. */
    protected CamelContext startContext(Consumer<CovetPgConfiguration> config, RoutesBuilder... routes) throws Exception {
        CamelContext context = newContext(config, routes);
        context.start();
        return context;
    }

    /** As {@link #startContext}, not started yet (for tests of start-up failures). */
    protected CamelContext newContext(Consumer<CovetPgConfiguration> config, RoutesBuilder... routes) throws Exception {
        CamelContext context = newContext(component(config));
        for (RoutesBuilder r : routes) {
            context.addRoutes(r);
        }
        return context;
    }

    /** A context, not started, with {@code component} as its covetpg; stopped after the test as every context here. */
    protected CamelContext newContext(CovetPgComponent component) {
        CamelContext context = new DefaultCamelContext();
        contexts.track(context);
        context.addComponent("covetpg", component);
        return context;
    }

    protected static CovetPgComponent component(Consumer<CovetPgConfiguration> config) {
        CovetPgComponent component = new CovetPgComponent();
        CovetPgConfiguration c = component.getConfiguration();
        c.setUrl(db.url());
        c.setPassword(db.password());
        config.accept(c);
        return component;
    }

    protected static ProducerTemplate template(CamelContext context) {
        return context.createProducerTemplate();
    }

    /** Sends a body to an endpoint and returns the exchange, failed or not. */
    protected static Exchange send(CamelContext context, String uri, Object body) {
        return context.createProducerTemplate().send(uri, e -> e.getMessage().setBody(body));
    }

    protected static CovetPgComponent covetpg(CamelContext context) {
        return context.getComponent("covetpg", CovetPgComponent.class);
    }

    /**
     * Loads a route file of the test classpath ({@code routes/<name>}) into a context not started
     * yet, with {@code property} and {@code value} as its one property placeholder.
     */
    protected static void loadRoutes(CamelContext context, String name, String property, String value) throws Exception {
        java.util.Properties props = new java.util.Properties();
        props.put(property, value);
        context.getPropertiesComponent().setInitialProperties(props);
        org.apache.camel.support.PluginHelper.getRoutesLoader(context).loadRoutes(
                org.apache.camel.support.PluginHelper.getResourceLoader(context).resolveResource("classpath:routes/" + name));
    }

    /**
     * Waits until {@code condition} holds, checking every 10 ms, and fails naming {@code what}
     * after a minute: the one way tests wait for something that happens on another thread.
     */
    protected static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after 60 s waiting until " + what);
            }
            Thread.sleep(10);
        }
    }

    /** The message of {@code e} and every message down its cause chain, one per line: what a test searches for values that must not leak. */
    protected static String messages(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            sb.append(t.getMessage()).append('\n');
        }
        return sb.toString();
    }

    /** Rows {@code (0), (1), ...} as a body, whose iterator throws {@code failure} when asked for row {@code at}. */
    protected static java.util.Iterator<java.util.List<Object>> rowsFailingAt(int at, RuntimeException failure) {
        return new java.util.Iterator<>() {
            private int n;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public java.util.List<Object> next() {
                if (n == at) {
                    throw failure;
                }
                return java.util.List.of(n++);
            }
        };
    }

    /** A table name unique to the calling test, so tests never see each other's rows. */
    protected static String table(String prefix) {
        return prefix + "_" + Long.toHexString(System.nanoTime());
    }

    @AfterEach
    void stopContexts() {
        contexts.stopAll();
    }
}
