package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.covet.pg.client.CovetPgException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BatchProducerTest extends CovetPgTestSupport {

    private String orders;
    private CamelContext context;

    @BeforeEach
    void setUp() throws Exception {
        orders = table("orders");
        db.execute("CREATE TABLE " + orders + " (id int PRIMARY KEY, customer text NOT NULL, total numeric(12,2), placed_on date, meta jsonb)");
        context = startContext(c -> c.setMaxPoolSize(1));
    }

    private long rows() {
        return (Long) db.queryValue("SELECT count(*) FROM " + orders);
    }

    @Test
    void positionalRowsAreInsertedInChunks() {
        List<List<Object>> body = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            body.add(List.of(i, "c" + i, new BigDecimal(i + ".50")));
        }
        Exchange out = send(context, "covetpg:batch?batchSize=1000&sql=INSERT INTO " + orders + " (id, customer, total) VALUES ($1, $2, $3)", body);
        assertThat(out.getException()).isNull();
        assertThat(out.getMessage().getHeader(CovetPgConstants.UPDATE_COUNT)).isEqualTo(2500L);
        assertThat(rows()).isEqualTo(2500);
        assertThat(db.queryValue("SELECT total FROM " + orders + " WHERE id = 2499")).isEqualTo(new BigDecimal("2499.50"));
    }

    @Test
    void eachChunksSavepointIsReleasedSoThatALongBodyStacksNoSubtransactions() throws Exception {
        CamelContext tx = newContext(c -> c.setMaxPoolSize(1), new org.apache.camel.builder.RouteBuilder() {
            @Override
            public void configure() {
                from("direct:load").transacted("covetpgTx")
                        .to("covetpg:batch?batchSize=10&sql=INSERT INTO " + orders + " (id, customer) VALUES ($1, $2)")
                        // the last chunk's savepoint must be gone: rolling back to it has nothing to go to
                        .to("covetpg:query?sql=ROLLBACK TO SAVEPOINT covetpg_chunk");
            }
        });
        tx.getRegistry().bind("covetpgTx", new dev.covet.pg.tx.CovetPgTransactionPolicy());
        tx.start();
        List<List<Object>> body = new ArrayList<>();
        for (int i = 0; i < 35; i++) {
            body.add(List.of(i, "c" + i));
        }
        Exchange out = tx.createProducerTemplate().send("direct:load", e -> e.getMessage().setBody(body));
        assertThat(out.getException()).hasMessageContaining("3B001"); // savepoint does not exist
        assertThat(rows()).isZero(); // and the route's transaction rolled back as a whole
    }

    @Test
    void namedParametersReadMapsAndBeans() {
        List<Object> body = List.of(Map.of("id", 1, "customer", "ada"), new Order(2, "grace"));
        Exchange out = send(context, "covetpg:batch?sql=INSERT INTO " + orders + " (id, customer) VALUES (:#id, :#customer)", body);
        assertThat(out.getException()).isNull();
        assertThat(db.query("SELECT id, customer FROM " + orders + " ORDER BY id"))
                .containsExactly(Map.of("id", 1, "customer", "ada"), Map.of("id", 2, "customer", "grace"));
    }

    @Test
    void aFailingRowLeavesNothingAndIsNamed() {
        List<List<Object>> body = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            body.add(List.of(i == 1234 ? 7 : i, "c" + i)); // 1234 repeats the key of row 7
        }
        Exchange out = send(context, "covetpg:batch?batchSize=500&sql=INSERT INTO " + orders + " (id, customer) VALUES ($1, $2)", body);
        CovetPgException e = (CovetPgException) out.getException();
        assertThat(e).hasMessageContaining("at parameter set 1234").hasMessageContaining("nothing was written");
        assertThat(e.getSqlState()).isEqualTo("23505");
        assertThat(e.getConstraint()).isEqualTo(orders + "_pkey");
        assertThat(rows()).isZero();
        // the pool's only connection is back and clean
        assertThat(send(context, "covetpg:query?outputType=SelectValue&sql=SELECT 1", null).getMessage().getBody()).isEqualTo(1);
    }

    @Test
    void withTransactedFalseEarlierChunksStay() {
        List<List<Object>> body = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            body.add(java.util.Arrays.asList(i, i == 650 ? null : "c" + i));
        }
        Exchange out = send(context, "covetpg:batch?batchSize=300&transacted=false&sql=INSERT INTO " + orders
                + " (id, customer) VALUES ($1, $2)", body);
        assertThat(out.getException()).hasMessageContaining("at parameter set 650").hasMessageContaining("600 row(s) from earlier chunks");
        assertThat(rows()).isEqualTo(600);
    }

    @Test
    void tableAndColumnsInsertThroughUnnestFromMapsListsAndBeans() {
        Map<String, Object> asMap = new LinkedHashMap<>();
        asMap.put("id", 1);
        asMap.put("customer", "tab\there \"quoted\" \\ back");
        asMap.put("total", new BigDecimal("10.25"));
        asMap.put("placed_on", LocalDate.of(2024, 2, 29));
        asMap.put("meta", "{\"k\": [1, 2]}");
        List<Object> body = List.of(asMap, java.util.Arrays.asList(2, "list", null, null, null),
                new Order(3, "bean"));
        Exchange out = send(context, "covetpg:batch?table=" + orders + "&columns=id,customer,total,placed_on,meta", body);
        assertThat(out.getException()).isNull();
        assertThat(out.getMessage().getHeader(CovetPgConstants.UPDATE_COUNT)).isEqualTo(3L);
        Map<String, Object> first = db.query("SELECT customer, total, placed_on::text AS placed_on, meta->'k' AS k FROM " + orders + " WHERE id = 1").get(0);
        assertThat(first.get("customer")).isEqualTo("tab\there \"quoted\" \\ back");
        assertThat(first.get("total")).isEqualTo(new BigDecimal("10.25"));
        assertThat(first.get("placed_on")).isEqualTo("2024-02-29");
        assertThat(first.get("k").toString()).isEqualTo("[1, 2]");
        assertThat(db.queryValue("SELECT customer FROM " + orders + " WHERE id = 3")).isEqualTo("bean");
    }

    @Test
    void aLazyStreamOfRowsIsReadAsItIsSent() {
        Iterator<Map<String, Object>> rows = IntStream.range(0, 20_000)
                .mapToObj(i -> Map.<String, Object>of("id", i, "customer", "s" + i)).iterator();
        Exchange out = send(context, "covetpg:batch?table=" + orders + "&columns=id,customer&batchSize=2000", rows);
        assertThat(out.getException()).isNull();
        assertThat(rows()).isEqualTo(20_000);
    }

    @Test
    void aRowMissingAValueFailsWithItsIndexAndWritesNothing() {
        List<Object> body = List.of(Map.of("id", 1, "customer", "a"), Map.of("id", 2));
        Exchange out = send(context, "covetpg:batch?table=" + orders + "&columns=id,customer", body);
        assertThat(out.getException()).hasMessageContaining("Row 1").hasMessageContaining("customer");
        assertThat(rows()).isZero();
    }

    @Test
    void anEmptyBodyIsANoOp() {
        Exchange out = send(context, "covetpg:batch?table=" + orders + "&columns=id,customer", List.of());
        assertThat(out.getException()).isNull();
        assertThat(out.getMessage().getHeader(CovetPgConstants.UPDATE_COUNT)).isEqualTo(0L);
    }

    @Test
    void unknownColumnsAndHostileNamesAreRefusedBeforeAnythingIsSent() {
        Exchange unknown = send(context, "covetpg:batch?table=" + orders + "&columns=id,nope", List.of(List.of(1, 2)));
        assertThat(unknown.getException()).hasMessageContaining("has no column nope").hasMessageContaining("customer");

        String victim = table("victim");
        db.execute("CREATE TABLE " + victim + " (id int)");
        // refused when the producer starts, before any exchange reaches the server
        assertThatThrownBy(() -> send(context, "covetpg:batch?table=RAW(" + orders + "; DROP TABLE " + victim + ")&columns=id",
                List.of(List.of(1)))).rootCause().hasMessageContaining("Invalid table");
        assertThat(db.queryValue("SELECT count(*) FROM pg_tables WHERE tablename = '" + victim + "'")).isEqualTo(1L);
    }

    public static class Order {
        private final int id;
        private final String customer;

        Order(int id, String customer) {
            this.id = id;
            this.customer = customer;
        }

        public int getId() { return id; }
        public String getCustomer() { return customer; }
        public BigDecimal getTotal() { return null; }
        public LocalDate getPlacedOn() { return null; }
        public String getMeta() { return null; }
    }
}
