package dev.covet.pg.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.covet.pg.testdb.TestDatabase;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs each example on small data against the test database, so that none of them can rot. */
class ExamplesTest {

    private static final TestDatabase db = TestDatabase.shared();

    private static ExampleDatabase database() {
        return new ExampleDatabase(db.url(), db.password(), false, db.toString(), () -> { });
    }

    @Test
    void etlExampleLoadsAFileByCopyTransformsInOneTransactionAndExtractsThroughTheConsumer(@TempDir Path dir) throws Exception {
        int rows = 40_000;
        Path csv = dir.resolve("out/customer_daily.csv");

        EtlExample.Result result = EtlExample.run(database(), rows, dir, csv);
        EtlExample.print(result);

        // the input file: made on this run, one line per order, no header (COPY's csv format)
        assertThat(result.input()).isEqualTo(OrdersCsv.file(dir, rows, OrdersCsv.DEFAULT_CUSTOMERS));
        List<String> input = Files.readAllLines(result.input());
        assertThat(input).hasSize(rows);
        assertThat(input.get(0)).isEqualTo("1,2,2026-01-01,0.25");
        assertThat(input.get(29_999)).isEqualTo("30000,1,2026-01-01,22.50");

        // what the generator makes, worked out here independently
        Set<List<Integer>> customerDays = new HashSet<>();
        Set<List<Integer>> segmentDays = new HashSet<>();
        BigDecimal total = BigDecimal.ZERO;
        for (int g = 1; g <= rows; g++) {
            int customer = 1 + g % 1000;
            customerDays.add(List.of(customer, (g / 1000) % 30));
            segmentDays.add(List.of(customer % 3, (g / 1000) % 30));
            total = total.add(BigDecimal.valueOf(g % 997).multiply(new BigDecimal("0.25")));
        }
        assertThat(result.loaded()).isEqualTo(rows);
        assertThat(result.aggregated()).isEqualTo(customerDays.size());
        assertThat(result.segmentDays()).isEqualTo(segmentDays.size());
        assertThat(result.extracted()).isEqualTo(customerDays.size());
        assertThat(result.stages()).extracting(EtlExample.Stage::name)
                .containsExactly("generate", "create", "load", "transform", "extract");

        List<String> lines = Files.readAllLines(csv);
        assertThat(lines.get(0)).isEqualTo("customer_id,segment,day,orders,total");
        assertThat(lines).hasSize(customerDays.size() + 1);
        // customer 1 (segment wholesale) on day 0 is order 30000 only: amount (30000 % 997) * 0.25 = 22.50
        assertThat(lines.get(1)).isEqualTo("1,wholesale,2026-01-01,1,22.50");
        assertThat(sumColumn(lines, 3)).isEqualByComparingTo(BigDecimal.valueOf(rows));
        assertThat(sumColumn(lines, 4)).isEqualByComparingTo(total);

        // a second run reuses the input file
        EtlExample.Result again = EtlExample.run(database(), rows, dir, csv);
        assertThat(again.stages().get(0).name()).isEqualTo("reuse");
        assertThat(again.extracted()).isEqualTo(customerDays.size());

        // create, load, transform, extract, drop: a connection each at least
        assertThat(result.pool().totalAcquired()).isGreaterThanOrEqualTo(5);
        assertThat(result.pool().totalTimeouts()).isZero();
        // the example drops its tables when done
        assertThat(db.queryValue("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'etl\\_%'")).isEqualTo(0L);
    }

    @Test
    void yamlExampleRunsUnderCamelMainAndWritesTheCsv(@TempDir Path dir) throws Exception {
        Main main = YamlExample.newMain(database(), Map.of(
                "etl.rows", "3000",
                "etl.customers", "100",
                "etl.output", dir.toString()));
        main.run();

        List<String> lines = Files.readAllLines(dir.resolve("customers.csv"));
        assertThat(lines.get(0)).isEqualTo("customer_id,orders,total");
        assertThat(lines).hasSize(101);
        assertThat(lines.subList(1, lines.size())).allSatisfy(line -> assertThat(line.split(",")[1]).isEqualTo("30"));
        BigDecimal total = BigDecimal.ZERO;
        for (int g = 1; g <= 3000; g++) {
            total = total.add(BigDecimal.valueOf(g % 997).multiply(new BigDecimal("0.25")));
        }
        assertThat(sumColumn(lines, 2)).isEqualByComparingTo(total);
        assertThat(db.queryValue("SELECT count(*) FROM yaml_etl_orders")).isEqualTo(3000L);
        assertThat(dir.resolve(OrdersCsv.file(dir, 3000, 100).getFileName())).exists();
    }

    @Test
    void outboxExampleSendsEveryEventWokenByItsNotification() throws Exception {
        OutboxExample.Result result = OutboxExample.run(database(), 200);
        // the consumer's delay is a minute and run() waits at most 30 s: every event written after the first poll was sent by a
        // poll that its notification started
        assertThat(result.sent()).isEqualTo(200);
        assertThat(db.queryValue("SELECT count(*) FROM outbox WHERE sent_at IS NULL")).isEqualTo(0L);
        assertThat(db.queryValue("SELECT count(*) FROM outbox o JOIN outbox_orders r ON (o.payload::json->>'order')::bigint = r.id"))
                .isEqualTo(200L);
    }

    private static BigDecimal sumColumn(List<String> lines, int column) {
        return lines.stream().skip(1).map(l -> new BigDecimal(l.split(",")[column])).reduce(BigDecimal.ZERO, BigDecimal::add);
    }
}
