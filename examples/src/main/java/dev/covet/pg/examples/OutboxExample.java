package dev.covet.pg.examples;

import dev.covet.pg.CovetPgComponent;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;

/**
 * A transactional outbox drained within milliseconds of each commit: the route of
 * {@code outbox.camel.yaml} polls the outbox when the trigger's notification arrives
 * ({@code wakeOn}), and once a minute whatever happens. The example places orders, each in a
 * transaction that writes the order and its event, then waits until every event is marked sent
 * and prints how long the events waited, as the server's own clock saw it (commit to
 * {@code sent_at}).
 *
 * <p>Run after an install: {@code mvn -q -B -pl examples exec:java -Dexec.mainClass=dev.covet.pg.examples.OutboxExample};
 * on an embedded PostgreSQL unless {@code COVETPG_URL} is set.
 */
public final class OutboxExample {

    /** The tables and the trigger that notifies: once per statement, so a burst of rows is one wake-up. */
    static final String[] SCHEMA = {
        "DROP TABLE IF EXISTS outbox, outbox_orders",
        "CREATE TABLE outbox_orders (id bigserial PRIMARY KEY, customer text NOT NULL, total numeric(12,2) NOT NULL)",
        "CREATE TABLE outbox (id bigserial PRIMARY KEY, topic text NOT NULL, payload text NOT NULL,"
                + " created_at timestamptz NOT NULL DEFAULT clock_timestamp(), sent_at timestamptz)",
        """
        CREATE OR REPLACE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('outbox_new', '');
            RETURN NULL;
        END $$""",
        "CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify()",
    };

    /** One order and its event, in one transaction (a data-modifying CTE is one statement, so one transaction). */
    private static final String PLACE_ORDER = "WITH o AS (INSERT INTO outbox_orders (customer, total) VALUES (:#customer, :#total)"
            + " RETURNING id, customer, total)"
            + " INSERT INTO outbox (topic, payload) SELECT 'orders', json_build_object('order', id, 'customer', customer, 'total', total)::text FROM o";

    private OutboxExample() {
    }

    public static void main(String[] args) throws Exception {
        try (ExampleDatabase database = ExampleDatabase.fromEnvironment()) {
            System.out.println("covetpg outbox example: database " + database.description());
            Result result = run(database, Integer.getInteger("outbox.orders", 1000));
            System.out.printf("%d events sent; wait from commit to sent: median %.1f ms, p99 %.1f ms, max %.1f ms"
                    + " (the consumer's delay is 60000 ms: each was woken by its notification)%n",
                    result.sent(), result.medianMillis(), result.p99Millis(), result.maxMillis());
        }
    }

    record Result(long sent, double medianMillis, double p99Millis, double maxMillis) {
    }

    static Result run(ExampleDatabase database, int orders) throws Exception {
        CovetPgComponent covetpg = new CovetPgComponent();
        covetpg.getConfiguration().setUrl(database.url());
        if (database.password() != null && !database.password().isEmpty()) {
            covetpg.getConfiguration().setPassword(database.password());
        }
        try (CamelContext context = new DefaultCamelContext()) {
            context.addComponent("covetpg", covetpg);
            context.start();
            ProducerTemplate template = context.createProducerTemplate();
            for (String ddl : SCHEMA) {
                template.requestBody("covetpg:query?useMessageBodyForSql=true", ddl);
            }
            PluginHelper.getRoutesLoader(context).loadRoutes(
                    PluginHelper.getResourceLoader(context).resolveResource("classpath:outbox.camel.yaml"));
            // orders one after the other, each its own commit and its own notification, as an application places them
            for (int i = 1; i <= orders; i++) {
                template.requestBody("covetpg:query?sql=" + PLACE_ORDER, Map.of("customer", "customer " + (i % 50), "total", i + ".50"));
            }
            // well within the consumer's delay of a minute: only polls that notifications started can have sent them all by then
            long deadline = System.nanoTime() + 30_000_000_000L;
            long unsent;
            do {
                Thread.sleep(50);
                unsent = template.requestBody("covetpg:query?sql=SELECT count(*) FROM outbox WHERE sent_at IS NULL&outputType=SelectValue",
                        null, Long.class);
            } while (unsent > 0 && System.nanoTime() < deadline);
            @SuppressWarnings("unchecked")
            Map<String, Object> waits = template.requestBody("covetpg:query?sql=SELECT count(*) AS sent,"
                    + " percentile_cont(0.5) WITHIN GROUP (ORDER BY w) AS median, percentile_cont(0.99) WITHIN GROUP (ORDER BY w) AS p99,"
                    + " max(w) AS max FROM (SELECT extract(epoch FROM sent_at - created_at) * 1000 AS w FROM outbox WHERE sent_at IS NOT NULL) s"
                    + "&outputType=SelectOne", null, Map.class);
            return new Result(((Number) waits.get("sent")).longValue(), number(waits.get("median")), number(waits.get("p99")),
                    number(waits.get("max")));
        }
    }

    private static double number(Object value) {
        return value == null ? Double.NaN : ((Number) value).doubleValue();
    }
}
