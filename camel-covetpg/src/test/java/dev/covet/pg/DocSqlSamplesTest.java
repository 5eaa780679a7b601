package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.covet.pg.DocPages.Block;
import dev.covet.pg.client.CovetPgException;
import dev.covet.pg.repository.CovetPgAggregationRepository;
import dev.covet.pg.testdb.TestDatabase;
import dev.covet.pg.tx.CovetPgTransactionPolicy;
import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Every SQL sample of the docs runs here, on the test server, as the page shows it, and does what
 * the page says it does: the least-privilege grants of security.md let the application's role run
 * every covetpg operation on its tables and nothing more, the aggregation repository's tables of
 * configuration.md are the ones the repository creates, the outbox trigger notifies once per
 * INSERT statement, and the monitoring queries name columns that exist.
 */
class DocSqlSamplesTest extends CovetPgTestSupport {

    /** The one SQL block of {@code page} holding {@code marker}. */
    private static String sample(String page, String marker) throws IOException {
        List<Block> found = DocPages.blocks("sql").stream()
                .filter(b -> b.page().getFileName().toString().equals(page) && b.code().contains(marker))
                .collect(Collectors.toList());
        assertThat(found).as("the SQL sample of " + page + " with '" + marker + "'").hasSize(1);
        return found.get(0).code();
    }

    @Test
    void everySqlSampleOfTheDocsIsRunHere() throws IOException {
        // the markers of the samples the tests below run; a new sample needs a test of its own
        List<String> run = List.of("CREATE ROLE sales_app", "CREATE TABLE <repositoryName>", "CREATE FUNCTION outbox_notify",
                "FROM pg_stat_activity", "FROM pg_stat_statements", "WHERE id = :#id");
        for (Block block : DocPages.blocks("sql")) {
            assertThat(run.stream().filter(block.code()::contains).count()).as(block + ": run by one test of DocSqlSamplesTest").isEqualTo(1);
        }
    }

    @Test
    void theLeastPrivilegeGrantsLetTheRoleRunEveryOperationAndNothingMore() throws Exception {
        // as the page shows it, with names of its own: a database and a role of the server, not of the test database
        String script = sample("security.md", "CREATE ROLE sales_app")
                .replaceAll("\\bsales_app\\b", "covetpg_doc_app").replaceAll("\\bsales\\b", "covetpg_doc_sales");
        String[] parts = script.split("(?m)^\\\\connect covetpg_doc_sales$");
        assertThat(parts).as("the sample connects once, to the database it creates").hasSize(2);
        dropSalesDatabaseAndRole();
        try {
            db.execute(parts[0]);
            TestDatabase sales = db.otherDatabase("covetpg_doc_sales");
            sales.execute(parts[1]);
            runEveryOperationAsTheApplicationRole(sales);
        } finally {
            dropSalesDatabaseAndRole();
        }
    }

    private static void dropSalesDatabaseAndRole() {
        db.execute("DROP DATABASE IF EXISTS covetpg_doc_sales WITH (FORCE)", "DROP ROLE IF EXISTS covetpg_doc_app");
    }

    private void runEveryOperationAsTheApplicationRole(TestDatabase sales) throws Exception {
        CovetPgTransactionPolicy tx = new CovetPgTransactionPolicy();
        CamelContext context = startContext(c -> {
            c.setUrl("postgresql://covetpg_doc_app@" + db.host() + ":" + db.port() + "/covetpg_doc_sales");
            c.setPassword("change-me");
        }, new RouteBuilder() {
            @Override
            public void configure() {
                getContext().getRegistry().bind("tx", tx);
                from("direct:order").transacted("tx")
                        .to("covetpg:query?sql=INSERT INTO covetpg_doc_sales.orders (customer, total) VALUES (:#customer, :#total)")
                        .to("covetpg:query?sql=UPDATE covetpg_doc_sales.orders SET total = total WHERE customer = :#customer");
                from("covetpg:query?sql=SELECT id, payload FROM covetpg_doc_sales.outbox WHERE NOT sent ORDER BY id"
                        + "&skipLocked=true&delay=100&onConsume=UPDATE covetpg_doc_sales.outbox SET sent = true WHERE id = :#id")
                        .to("mock:sent");
                from("direct:copyOut")
                        .to("covetpg:copy?sql=COPY (SELECT customer FROM covetpg_doc_sales.orders ORDER BY id) TO STDOUT")
                        .convertBodyTo(String.class);
            }
        });
        assertThat(send(context, "direct:order", Map.of("customer", "Ada", "total", new BigDecimal("12.50"))).getException())
                .as("a route transaction inserting into the serial column and updating").isNull();
        Exchange batch = send(context, "covetpg:batch?table=covetpg_doc_sales.orders&columns=customer,total",
                List.of(List.of("Grace", new BigDecimal("7.00")), List.of("Edsger", new BigDecimal("3.25"))));
        assertThat(batch.getException()).as("a batch into the table").isNull();
        Exchange copyIn = send(context, "covetpg:copy?table=covetpg_doc_sales.outbox&columns=payload", List.of(List.of("one"), List.of("two")));
        assertThat(copyIn.getException()).as("a COPY into the table").isNull();
        Exchange copyOut = send(context, "direct:copyOut", null);
        assertThat(copyOut.getException()).as("a COPY out of a query").isNull();
        assertThat(copyOut.getMessage().getBody(String.class)).isEqualTo("Ada\nGrace\nEdsger\n");
        await(() -> Long.valueOf(0).equals(sales.queryValue("SELECT count(*) FROM covetpg_doc_sales.outbox WHERE NOT sent")),
                "the consumer claiming the outbox rows with skipLocked and marking them sent");
        assertThat(sales.queryValue("SELECT string_agg(customer || '=' || total, ',' ORDER BY id) FROM covetpg_doc_sales.orders"))
                .isEqualTo("Ada=12.50,Grace=7.00,Edsger=3.25");

        // and what the page says it cannot do
        Map<String, String> refused = new java.util.LinkedHashMap<>();
        refused.put("delete", "DELETE FROM covetpg_doc_sales.orders");
        refused.put("truncate", "TRUNCATE covetpg_doc_sales.outbox");
        refused.put("create a table in the schema", "CREATE TABLE covetpg_doc_sales.more (id int)");
        refused.put("create a table in public", "CREATE TABLE public.more (id int)");
        refused.put("read a server file", "COPY covetpg_doc_sales.outbox (payload) FROM '/etc/hostname'");
        refused.put("write a server file", "COPY covetpg_doc_sales.orders TO '/tmp/covetpg_doc_orders'");
        for (Map.Entry<String, String> attempt : refused.entrySet()) {
            Exchange out = send(context, "covetpg:query?sql=RAW(" + attempt.getValue() + ")", null);
            assertThat(out.getException()).as(attempt.getKey()).isInstanceOf(CovetPgException.class);
            assertThat(((CovetPgException) out.getException()).getSqlState()).as(attempt.getKey() + ": insufficient privilege").isEqualTo("42501");
        }
        assertThat(sales.queryValue("SELECT count(*) FROM covetpg_doc_sales.orders")).as("nothing deleted").isEqualTo(3L);
        context.stop(); // before its database and role are dropped
    }

    @Test
    void theAggregationTablesOfTheDocsAreTheOnesTheRepositoryCreates() throws Exception {
        String schema = table("docagg");
        db.execute("CREATE SCHEMA " + schema);
        db.execute(sample("configuration.md", "CREATE TABLE <repositoryName>").replace("<repositoryName>", schema + ".from_docs"));
        CamelContext context = startContext(c -> { });
        CovetPgAggregationRepository created = new CovetPgAggregationRepository(schema + ".created");
        created.setCamelContext(context);
        created.start();
        try {
            assertThat(definition(schema + ".from_docs")).isEqualTo(definition(schema + ".created"));
            assertThat(definition(schema + ".from_docs_completed")).isEqualTo(definition(schema + ".created_completed"));
        } finally {
            created.stop();
        }
        // and createTable=false takes the page's tables
        CovetPgAggregationRepository fromDocs = new CovetPgAggregationRepository(schema + ".from_docs");
        fromDocs.setCreateTable(false);
        fromDocs.setCamelContext(context);
        fromDocs.start();
        try {
            Exchange exchange = new org.apache.camel.support.DefaultExchange(context);
            exchange.getMessage().setBody("kept");
            fromDocs.add(context, "k", exchange);
            assertThat(fromDocs.get(context, "k").getMessage().getBody()).isEqualTo("kept");
        } finally {
            fromDocs.stop();
        }
    }

    /** Columns (name, type, not null, default) in order, then the constraints, as the server prints them. */
    private static List<String> definition(String table) {
        String columns = "SELECT a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END"
                + " || coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '') AS c"
                + " FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                + " WHERE a.attrelid = '" + table + "'::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";
        String constraints = "SELECT contype::text || ' ' || pg_get_constraintdef(oid) AS c FROM pg_constraint"
                + " WHERE conrelid = '" + table + "'::regclass ORDER BY 1";
        List<String> definition = new java.util.ArrayList<>();
        db.query(columns).forEach(r -> definition.add((String) r.get("c")));
        db.query(constraints).forEach(r -> definition.add((String) r.get("c")));
        return definition;
    }

    @Test
    void theOutboxTriggerNotifiesOncePerInsertStatement() throws Exception {
        String schema = table("docoutbox");
        db.execute("CREATE SCHEMA " + schema,
                "CREATE TABLE " + schema + ".outbox (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, payload text NOT NULL)");
        try (Connection listening = db.jdbc(); Connection writing = db.jdbc();
             Statement listen = listening.createStatement(); Statement write = writing.createStatement()) {
            write.execute("SET search_path = " + schema);
            write.execute(sample("configuration.md", "CREATE FUNCTION outbox_notify"));
            listen.execute("LISTEN outbox_new");
            write.execute("INSERT INTO outbox (payload) VALUES ('a'), ('b'), ('c')");
            write.execute("INSERT INTO outbox (payload) VALUES ('d')");
            List<PGNotification> got = new java.util.ArrayList<>();
            long until = System.nanoTime() + 10_000_000_000L;
            while (got.size() < 2 && System.nanoTime() < until) {
                PGNotification[] some = listening.unwrap(PGConnection.class).getNotifications(500);
                if (some != null) {
                    got.addAll(List.of(some));
                }
            }
            // and no third one comes for the four rows
            PGNotification[] more = listening.unwrap(PGConnection.class).getNotifications(500);
            assertThat(got).as("one notification per INSERT statement").hasSize(2);
            assertThat(more == null ? 0 : more.length).as("notifications beyond one per statement").isZero();
            assertThat(got).allSatisfy(n -> {
                assertThat(n.getName()).isEqualTo("outbox_new");
                assertThat(n.getParameter()).isEmpty();
            });
        }
    }

    @Test
    void theMonitoringQueriesNameColumnsThatExist() throws Exception {
        // pg_stat_activity: the query finds the component's own connections by their application_name
        CamelContext context = startContext(c -> c.setMinPoolSize(1));
        assertThat(send(context, "covetpg:query?sql=SELECT 1", null).getException()).isNull();
        List<Map<String, Object>> sessions = db.query(sample("monitoring.md", "FROM pg_stat_activity"));
        assertThat(sessions).as("the component's sessions").isNotEmpty();
        assertThat(sessions.get(0).keySet()).containsExactly("pid", "state", "wait_event_type", "wait_event", "in_transaction", "in_statement", "query");

        // pg_stat_statements: its rows need the library preloaded, which a test server is not; EXPLAIN
        // plans the query without running it, which checks every name it uses
        try (TestDatabase statements = db.freshDatabase("covetpg_doc_statements")) {
            statements.execute("CREATE EXTENSION pg_stat_statements");
            String query = sample("monitoring.md", "FROM pg_stat_statements").strip();
            assertThat(statements.query("EXPLAIN " + query.substring(0, query.length() - 1))).isNotEmpty();
        } finally {
            db.execute("DROP DATABASE IF EXISTS covetpg_doc_statements WITH (FORCE)");
        }
    }

    @Test
    void aStringBindsToTheIntegerOfTheTypesPageSample() throws Exception {
        String schema = table("doctypes");
        db.execute("CREATE SCHEMA " + schema,
                "CREATE TABLE " + schema + ".orders (id int PRIMARY KEY, customer text NOT NULL, total numeric(12,2) NOT NULL)",
                "INSERT INTO " + schema + ".orders VALUES (1, 'Ada', 12.50), (2, 'Grace', 7.00)");
        CamelContext context = startContext(c -> c.getServerSettings().put("search_path", schema));
        String sql = sample("types.md", "WHERE id = :#id").strip();
        Exchange found = template(context).send("covetpg:query?outputType=SelectOne&sql=RAW(" + sql + ")", e -> e.getMessage().setHeader("id", "2"));
        assertThat(found.getException()).isNull();
        assertThat(found.getMessage().getBody()).isEqualTo(Map.of("id", 2, "customer", "Grace", "total", new BigDecimal("7.00")));
        Exchange notANumber = template(context).send("covetpg:query?outputType=SelectOne&sql=RAW(" + sql + ")", e -> e.getMessage().setHeader("id", "2x"));
        assertThat(notANumber.getException()).isInstanceOf(CovetPgException.class);
        assertThat(((CovetPgException) notANumber.getException()).getSqlState()).isEqualTo("22023");
        assertThat(notANumber.getException().getMessage()).doesNotContain("2x");
    }
}
