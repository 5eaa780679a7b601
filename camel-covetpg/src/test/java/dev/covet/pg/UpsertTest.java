package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.covet.pg.client.CovetPgException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Upserting loads: covetpg:batch and covetpg:copy with table, conflictColumns and onConflict. Each
 * case checks the rows in the table against what the load should have left, and the counts.
 */
class UpsertTest extends CovetPgTestSupport {

    private String stock;
    private CamelContext context;

    @BeforeEach
    void setUp() throws Exception {
        stock = table("stock");
        db.execute("CREATE TABLE " + stock + " (sku text PRIMARY KEY, qty int NOT NULL CHECK (qty >= 0), note varchar(8),"
                        + " id bigint GENERATED ALWAYS AS IDENTITY)",
                "INSERT INTO " + stock + " (sku, qty, note) VALUES ('a', 1, 'old'), ('b', 2, 'old')");
        context = startContext(c -> c.setMaxPoolSize(1));
    }

    private Map<String, String> contents() {
        Map<String, String> rows = new java.util.TreeMap<>();
        db.query("SELECT sku, qty, note FROM " + stock).forEach(r -> rows.put((String) r.get("sku"), r.get("qty") + "/" + r.get("note")));
        return rows;
    }

    private static List<List<Object>> rows(Object... skuQtyNote) {
        List<List<Object>> rows = new ArrayList<>();
        for (int i = 0; i < skuQtyNote.length; i += 3) {
            rows.add(java.util.Arrays.asList(skuQtyNote[i], skuQtyNote[i + 1], skuQtyNote[i + 2]));
        }
        return rows;
    }

    /** @param operation batch or copy, optionally followed by more options ({@code copy&format=binary}) */
    private String uri(String operation, String options) {
        String[] parts = operation.split("&", 2);
        return "covetpg:" + parts[0] + "?table=" + stock + "&columns=sku,qty,note&" + options + (parts.length > 1 ? "&" + parts[1] : "");
    }

    @ParameterizedTest
    @ValueSource(strings = {"batch", "copy", "copy&format=binary", "copy&format=csv"})
    void onConflictUpdateSetsTheOtherColumnsAndCountsInsertsAndUpdates(String operation) {
        Exchange out = send(context, uri(operation, "conflictColumns=sku&onConflict=update"), rows("a", 10, "new", "c", 3, "new", "d", 4, null));
        assertThat(out.getException()).isNull();
        assertThat(contents()).containsExactly(Map.entry("a", "10/new"), Map.entry("b", "2/old"), Map.entry("c", "3/new"), Map.entry("d", "4/null"));
        assertThat(out.getMessage().getHeader(CovetPgConstants.INSERTED_COUNT)).isEqualTo(2L);
        assertThat(out.getMessage().getHeader(CovetPgConstants.UPDATED_COUNT)).isEqualTo(1L);
        assertThat(db.queryValue("SELECT count(*) FROM pg_class WHERE relname LIKE 'covetpg_upsert_%'")).as("no staging table is left").isEqualTo(0L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"batch", "copy", "copy&format=binary"})
    void onConflictNothingKeepsTheRowsThatAreThere(String operation) {
        Exchange out = send(context, uri(operation, "conflictColumns=sku&onConflict=nothing"), rows("a", 10, "new", "c", 3, "new"));
        assertThat(out.getException()).isNull();
        assertThat(contents()).containsExactly(Map.entry("a", "1/old"), Map.entry("b", "2/old"), Map.entry("c", "3/new"));
        assertThat(out.getMessage().getHeader(CovetPgConstants.INSERTED_COUNT)).isEqualTo(1L);
        assertThat(out.getMessage().getHeader(CovetPgConstants.UPDATED_COUNT)).isEqualTo(0L);
    }

    @Test
    void onConflictNothingWithoutConflictColumnsSkipsAnyConflict() {
        Exchange out = send(context, uri("batch", "onConflict=nothing"), rows("a", 10, "new", "e", 5, "new"));
        assertThat(out.getException()).isNull();
        assertThat(contents()).containsEntry("a", "1/old").containsEntry("e", "5/new");
        assertThat(out.getMessage().getHeader(CovetPgConstants.INSERTED_COUNT)).isEqualTo(1L);
    }

    /** A row the table refuses (a CHECK, a value too long for varchar(8)) fails the load, and the table is as it was. */
    @ParameterizedTest
    @ValueSource(strings = {"batch", "copy", "copy&format=binary"})
    void aRowTheTableRefusesLeavesTheTableAsItWas(String operation) {
        Map<String, String> before = contents();
        Exchange negative = send(context, uri(operation, "conflictColumns=sku&onConflict=update"), rows("a", 10, "new", "c", -1, "new"));
        assertThat(negative.getException()).isInstanceOf(CovetPgException.class);
        assertThat(((CovetPgException) negative.getException()).getSqlState()).isEqualTo("23514");
        Exchange tooLong = send(context, uri(operation, "conflictColumns=sku&onConflict=update"), rows("a", 10, "far too long", "c", 3, "x"));
        assertThat(tooLong.getException()).isInstanceOf(CovetPgException.class);
        assertThat(((CovetPgException) tooLong.getException()).getSqlState()).isEqualTo("22001");
        assertThat(contents()).isEqualTo(before);
        // the pool's one connection is fine afterwards
        assertThat(send(context, uri(operation, "conflictColumns=sku&onConflict=update"), rows("z", 1, "ok")).getException()).isNull();
    }

    /** Without columns a COPY writes every column, an identity one included; so does its upsert (found by review). */
    @Test
    void anUpsertingCopyWithoutColumnsWritesTheIdentityColumnAsAPlainCopyDoes() {
        Exchange plain = send(context, "covetpg:copy?table=" + stock, List.of(java.util.Arrays.asList("p", 1, "x", 100L)));
        assertThat(plain.getException()).isNull();
        Exchange upsert = send(context, "covetpg:copy?table=" + stock + "&conflictColumns=sku&onConflict=nothing",
                List.of(java.util.Arrays.asList("q", 2, "y", 101L), java.util.Arrays.asList("p", 9, "z", 102L)));
        assertThat(upsert.getException()).isNull();
        assertThat(db.queryValue("SELECT id FROM " + stock + " WHERE sku = 'q'")).isEqualTo(101L);
        assertThat(contents()).containsEntry("p", "1/x").containsEntry("q", "2/y");
        assertThat(upsert.getMessage().getHeader(CovetPgConstants.INSERTED_COUNT)).isEqualTo(1L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"batch", "copy"})
    void oneKeyTwiceInOneLoadIsTheServersErrorAndChangesNothing(String operation) {
        Map<String, String> before = contents();
        Exchange out = send(context, uri(operation, "conflictColumns=sku&onConflict=update"), rows("c", 1, "x", "c", 2, "y"));
        assertThat(((CovetPgException) out.getException()).getSqlState()).isEqualTo("21000"); // "cannot affect row a second time"
        assertThat(contents()).isEqualTo(before);
    }

    /**
     * A load of new rows takes a plain INSERT from the staging table; one that meets a row already
     * there falls back to ON CONFLICT. Either way the counts are right, and the plain insert's
     * 23505 is not reported as a failed operation.
     */
    @ParameterizedTest
    @ValueSource(strings = {"copy", "copy&format=binary"})
    void newRowsAreInsertedPlainlyAndAConflictFallsBackWithoutCountingAFailure(String operation) throws Exception {
        io.micrometer.core.instrument.simple.SimpleMeterRegistry meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        CamelContext metered = newContext(c -> c.setMaxPoolSize(1));
        metered.getRegistry().bind("meters", meters);
        metered.start();
        List<List<Object>> fresh = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            fresh.add(java.util.Arrays.asList("n" + i, i, "new"));
        }
        Exchange allNew = send(metered, uri(operation, "conflictColumns=sku&onConflict=update"), fresh);
        assertThat(allNew.getException()).isNull();
        assertThat(allNew.getMessage().getHeader(CovetPgConstants.INSERTED_COUNT)).isEqualTo(1000L);
        assertThat(allNew.getMessage().getHeader(CovetPgConstants.UPDATED_COUNT)).isEqualTo(0L);
        assertThat(db.queryValue("SELECT count(*) FROM " + stock)).isEqualTo(1002L);

        // the last row is already there: the plain insert gets through 999 rows, then the upsert writes them all
        List<List<Object>> lastConflicts = new ArrayList<>();
        for (int i = 0; i < 999; i++) {
            lastConflicts.add(java.util.Arrays.asList("m" + i, i, "new"));
        }
        lastConflicts.add(java.util.Arrays.asList("b", 20, "upd"));
        Exchange mixed = send(metered, uri(operation, "conflictColumns=sku&onConflict=update"), lastConflicts);
        assertThat(mixed.getException()).isNull();
        assertThat(mixed.getMessage().getHeader(CovetPgConstants.INSERTED_COUNT)).isEqualTo(999L);
        assertThat(mixed.getMessage().getHeader(CovetPgConstants.UPDATED_COUNT)).isEqualTo(1L);
        assertThat(contents()).containsEntry("b", "20/upd").containsEntry("m998", "998/new").hasSize(2001);
        assertThat(meters.find("covetpg.operations").tag("outcome", "failure").timers()).as("operations counted as failed").isEmpty();
    }

    /** onConflict=nothing without conflictColumns skips a row an exclusion constraint refuses, as ON CONFLICT DO NOTHING does. */
    @ParameterizedTest
    @ValueSource(strings = {"batch", "copy"})
    void onConflictNothingSkipsARowAnExclusionConstraintRefuses(String operation) {
        String booking = table("booking");
        db.execute("CREATE TABLE " + booking + " (id int, during int4range, EXCLUDE USING gist (during WITH &&))",
                "INSERT INTO " + booking + " VALUES (1, '[1,5)')");
        Exchange out = send(context, "covetpg:" + operation + "?table=" + booking + "&columns=id,during&onConflict=nothing",
                List.of(List.of(2, "[3,4)"), List.of(3, "[10,12)")));
        assertThat(out.getException()).isNull();
        assertThat(out.getMessage().getHeader(CovetPgConstants.INSERTED_COUNT)).isEqualTo(1L);
        assertThat(db.query("SELECT id, during::text AS during FROM " + booking + " ORDER BY id"))
                .containsExactly(Map.of("id", 1, "during", "[1,5)"), Map.of("id", 3, "during", "[10,12)"));
    }

    @Test
    void theConnectionIsLentAgainAfterAnUpsertingCopy() {
        // the pool has one connection: a staging table that marked it as changed would have it
        // closed after each load and a new backend opened for the next
        String pid = "covetpg:query?outputType=SelectValue&sql=SELECT pg_backend_pid()";
        Object before = send(context, pid, null).getMessage().getBody();
        for (int i = 0; i < 5; i++) {
            assertThat(send(context, uri("copy", "conflictColumns=sku&onConflict=update"), rows("a", i, "n")).getException()).isNull();
        }
        assertThat(send(context, pid, null).getMessage().getBody()).isEqualTo(before);
        assertThat(contents()).containsEntry("a", "4/n");
    }

    @Test
    void insideARouteTransactionTheUpsertRollsBackWithIt() throws Exception {
        CamelContext tx = newContext(c -> c.setMaxPoolSize(1), new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:load").transacted("covetpgTx")
                        .to(uri("copy", "conflictColumns=sku&onConflict=update"))
                        .to(uri("batch", "conflictColumns=sku&onConflict=update"))
                        .throwException(new IllegalStateException("a later step fails"));
            }
        });
        tx.getRegistry().bind("covetpgTx", new dev.covet.pg.tx.CovetPgTransactionPolicy());
        tx.start();
        Map<String, String> before = contents();
        Exchange out = send(tx, "direct:load", rows("a", 7, "tx", "q", 1, "tx"));
        assertThat(out.getException()).hasMessageContaining("a later step fails");
        assertThat(contents()).isEqualTo(before);
    }

    @Test
    void aYamlRouteUpserts() throws Exception {
        CamelContext yaml = newContext(c -> { });
        loadRoutes(yaml, "covetpg-upsert.camel.yaml", "upsert.table", stock);
        yaml.start();
        Exchange out = send(yaml, "direct:yaml-upsert", List.of(Map.of("sku", "b", "qty", 20, "note", "yaml"), Map.of("sku", "y", "qty", 1, "note", "yaml")));
        assertThat(out.getException()).isNull();
        assertThat(contents()).containsEntry("b", "20/yaml").containsEntry("y", "1/yaml").containsEntry("a", "1/old");
        assertThat(out.getMessage().getHeader(CovetPgConstants.UPDATED_COUNT)).isEqualTo(1L);
    }

    @Test
    void badOptionsFailAtStartNamingThem() {
        for (String[] bad : new String[][] {
                {uri("batch", "conflictColumns=sku"), "onConflict"},
                {uri("batch", "onConflict=replace"), "Invalid onConflict 'replace'"},
                {uri("copy", "onConflict=update"), "conflictColumns"},
                {uri("batch", "conflictColumns=sku;drop&onConflict=update"), "conflictColumns"},
                {"covetpg:batch?sql=INSERT INTO " + stock + " (sku, qty) VALUES ($1, $2)&conflictColumns=sku&onConflict=update", "ON CONFLICT"},
                {"covetpg:copy?table=" + stock + "&direction=out&onConflict=nothing", "direction=in"}}) {
            Throwable root = org.assertj.core.api.Assertions.catchThrowable(() -> send(context, bad[0], rows("a", 1, "x")));
            assertThat(root).as(bad[0]).isNotNull();
            while (root.getCause() != null && !(root instanceof IllegalArgumentException)) {
                root = root.getCause();
            }
            assertThat(root).as(bad[0]).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad[1]);
        }
        assertThat(contents()).containsExactly(Map.entry("a", "1/old"), Map.entry("b", "2/old"));
    }
}
