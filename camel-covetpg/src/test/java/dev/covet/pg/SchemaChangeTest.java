package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.covet.pg.client.CovetPgException;
import dev.covet.pg.tx.CovetPgTransactionPolicy;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * The schema changes under a running route while its statements sit prepared in the driver's
 * cache (one connection, so the cached statement is the one used): no statement runs with a
 * stale parameter or result description; it is prepared anew and succeeds, or, inside a
 * transaction, fails clearly once and works again in the next one, without a restart.
 */
class SchemaChangeTest extends CovetPgTestSupport {

    private CamelContext start() throws Exception {
        CamelContext context = newContext(c -> {
            c.setMinPoolSize(1);
            c.setMaxPoolSize(1);
        }, new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:tx").transacted("covetpgTx").toD("${header.uri}");
            }
        });
        context.getRegistry().bind("covetpgTx", new CovetPgTransactionPolicy());
        context.start();
        return context;
    }

    @Test
    void aWiderColumnTakesAWiderValueThroughAStatementPreparedBeforeTheChange() throws Exception {
        String t = table("widened");
        db.execute("CREATE TABLE " + t + " (id int, v integer)");
        CamelContext context = start();
        String insert = "covetpg:query?sql=INSERT INTO " + t + " VALUES ($1, $2)";
        assertThat(send(context, insert, List.of(1, 1)).getException()).isNull();

        db.execute("ALTER TABLE " + t + " ALTER COLUMN v TYPE bigint");
        // the cached statement still declares $2 integer: bound as that, 5e9 would be 705032704
        Exchange wide = send(context, insert, List.of(2, 5_000_000_000L));
        assertThat(wide.getException()).isNull();
        assertThat(db.queryValue("SELECT v::text FROM " + t + " WHERE id = 2")).isEqualTo("5000000000");

        // and a value that fits nothing still fails, naming the parameter and not the value
        Exchange tooWide = send(context, insert, List.of(3, new java.math.BigInteger("99999999999999999999")));
        assertThat(tooWide.getException()).isInstanceOf(CovetPgException.class)
                .hasMessageContaining("Parameter $2: a java.math.BigInteger does not fit bigint").hasMessageNotContaining("99999");
        assertThat(db.queryValue("SELECT count(*) FROM " + t)).isEqualTo(2L);
    }

    @Test
    void aValueThatFitsTheOldParameterTypeGoesToTheNewColumnType() throws Exception {
        String t = table("text_to_int");
        db.execute("CREATE TABLE " + t + " (id int, v text)", "INSERT INTO " + t + " VALUES (1, '5')");
        CamelContext context = start();
        String insert = "covetpg:query?sql=INSERT INTO " + t + " VALUES ($1, $2)";
        String select = "covetpg:query?outputType=SelectValue&sql=SELECT id FROM " + t + " WHERE v = $1";
        assertThat(send(context, insert, List.of(1, "5")).getException()).isNull();
        assertThat(send(context, select, List.of("5")).getMessage().getBody()).isEqualTo(1);

        db.execute("ALTER TABLE " + t + " ALTER COLUMN v TYPE integer USING v::integer");
        // the cached statements declare $2 and $1 text; 6 fits text, so nothing fails before sending
        assertThat(send(context, insert, List.of(2, 6)).getException()).isNull(); // was 42804, every time
        assertThat(send(context, select, List.of(6)).getException()).isNull(); // was 42883, every time
        assertThat(db.queryValue("SELECT v::text FROM " + t + " WHERE id = 2")).isEqualTo("6");
    }

    @Test
    void aColumnOfAnotherTypeReadsAsItsNewTypeAtOnce() throws Exception {
        String t = table("retyped");
        db.execute("CREATE TABLE " + t + " (v integer)", "INSERT INTO " + t + " VALUES (42)");
        CamelContext context = start();
        String select = "covetpg:query?outputType=SelectValue&sql=SELECT v FROM " + t;
        assertThat(send(context, select, null).getMessage().getBody()).isEqualTo(42);

        db.execute("ALTER TABLE " + t + " ALTER COLUMN v TYPE text USING 'forty-two'");
        Exchange after = send(context, select, null);
        assertThat(after.getException()).isNull();
        assertThat(after.getMessage().getBody()).isEqualTo("forty-two");
    }

    @Test
    void insideATransactionTheChangeFailsOnceClearlyAndTheNextTransactionWorks() throws Exception {
        String t = table("retyped_tx");
        db.execute("CREATE TABLE " + t + " (v integer)", "INSERT INTO " + t + " VALUES (42)");
        CamelContext context = start();
        String select = "covetpg:query?outputType=SelectValue&sql=SELECT v FROM " + t;
        assertThat(send(context, select, null).getMessage().getBody()).isEqualTo(42);

        db.execute("ALTER TABLE " + t + " ALTER COLUMN v TYPE numeric USING v + 0.5");
        Exchange inTx = context.createProducerTemplate().send("direct:tx", e -> e.getMessage().setHeader("uri", select));
        assertThat(inTx.getException()).isInstanceOf(CovetPgException.class).hasMessageContaining("0A000");
        Exchange next = context.createProducerTemplate().send("direct:tx", e -> e.getMessage().setHeader("uri", select));
        assertThat(next.getException()).isNull();
        assertThat(next.getMessage().getBody()).isEqualTo(new java.math.BigDecimal("42.5"));
    }

    @Test
    void aTableDroppedAndCreatedAgainWithOtherTypesTakesItsNewTypes() throws Exception {
        String t = table("recreated");
        db.execute("CREATE TABLE " + t + " (v integer)");
        CamelContext context = start();
        String insert = "covetpg:query?sql=INSERT INTO " + t + " VALUES ($1)";
        String select = "covetpg:query?outputType=SelectValue&sql=SELECT v FROM " + t;
        assertThat(send(context, insert, List.of(7)).getException()).isNull();
        assertThat(send(context, select, null).getMessage().getBody()).isEqualTo(7);

        db.execute("DROP TABLE " + t, "CREATE TABLE " + t + " (v jsonb)");
        Exchange json = send(context, insert, List.of("{\"a\": [1, 2]}"));
        assertThat(json.getException()).isNull();
        assertThat(db.queryValue("SELECT v::text FROM " + t)).isEqualTo("{\"a\": [1, 2]}");
        Exchange read = send(context, select, null);
        assertThat(read.getException()).isNull();
        assertThat(read.getMessage().getBody()).isEqualTo("{\"a\": [1, 2]}");
    }

    @Test
    void anotherSearchPathReadsTheTableItNowNames() throws Exception {
        String a = table("path_a");
        String b = table("path_b");
        db.execute("CREATE SCHEMA " + a, "CREATE SCHEMA " + b, "CREATE TABLE " + a + ".items (v integer)",
                "CREATE TABLE " + b + ".items (v text)", "INSERT INTO " + a + ".items VALUES (1)", "INSERT INTO " + b + ".items VALUES ('b')");
        CamelContext context = newContext(c -> {
            c.setMinPoolSize(1);
            c.setMaxPoolSize(1);
            c.getServerSettings().put("search_path", a);
        }, new RouteBuilder() {
            @Override
            public void configure() {
                // a session-level SET would end with the statement's connection (see SessionStateTest): SET LOCAL lasts the transaction
                from("direct:in-b").transacted("covetpgTx")
                        .to("covetpg:query?sql=SET LOCAL search_path TO " + b)
                        .to("covetpg:query?outputType=SelectValue&sql=SELECT v FROM items");
            }
        });
        context.getRegistry().bind("covetpgTx", new CovetPgTransactionPolicy());
        context.start();
        String select = "covetpg:query?outputType=SelectValue&sql=SELECT v FROM items";
        assertThat(send(context, select, null).getMessage().getBody()).isEqualTo(1);

        // the statement cached for a's integer column now names b's text column: it fails once, clearly, and is prepared anew
        Exchange first = context.createProducerTemplate().send("direct:in-b", e -> { });
        assertThat(first.getException()).isInstanceOf(CovetPgException.class).hasMessageContaining("0A000");
        Exchange again = context.createProducerTemplate().send("direct:in-b", e -> { });
        assertThat(again.getException()).isNull();
        assertThat(again.getMessage().getBody()).isEqualTo("b");
    }
}
