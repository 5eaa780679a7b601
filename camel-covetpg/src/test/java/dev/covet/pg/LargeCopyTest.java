package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Iterator;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/**
 * Ten million rows from an Iterator through covetpg:copy in a JVM limited to 256 MiB of heap:
 * the body is encoded and sent as it is read, so memory stays bounded whatever the row count.
 * The load runs in a child JVM so that the limit is real; the rows are counted on the server.
 */
class LargeCopyTest extends CovetPgTestSupport {

    static final long ROWS = 10_000_000;

    @Test
    void tenMillionRowsFromAnIteratorLoadWithin256MiB() throws Exception {
        String t = table("large_copy");
        db.execute("CREATE UNLOGGED TABLE " + t + " (id bigint, name text, amount numeric(12,2))");
        try {
            String output = ChildJvm.run("256m", Child.class, db.url(), db.password(), t);
            assertThat(output).contains("copied " + ROWS);
            assertThat(db.queryValue("SELECT count(*) FROM " + t)).isEqualTo(ROWS);
            assertThat(db.queryValue("SELECT sum(id) FROM " + t).toString()).isEqualTo(Long.toString(ROWS * (ROWS - 1) / 2));
        } finally {
            db.execute("DROP TABLE " + t);
        }
    }

    /** The load, in a JVM of its own: url, password, table. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            CovetPgComponent covetpg = new CovetPgComponent();
            covetpg.getConfiguration().setUrl(args[0]);
            covetpg.getConfiguration().setPassword(args[1]);
            covetpg.getConfiguration().setMaxPoolSize(1);
            try (CamelContext context = new DefaultCamelContext()) {
                context.addComponent("covetpg", covetpg);
                context.start();
                Iterator<List<Object>> rows = new Iterator<>() {
                    long next;

                    @Override
                    public boolean hasNext() {
                        return next < ROWS;
                    }

                    @Override
                    public List<Object> next() {
                        long id = next++;
                        return List.of(id, "customer " + (id % 10_000), java.math.BigDecimal.valueOf(id % 100_000, 2));
                    }
                };
                Object copied = context.createProducerTemplate()
                        .request("covetpg:copy?table=" + args[2], e -> e.getMessage().setBody(rows))
                        .getMessage().getHeader(CovetPgConstants.COPY_COUNT);
                System.out.println("copied " + copied + " rows; heap max " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB");
            }
        }
    }
}
