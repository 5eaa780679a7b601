package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/**
 * Ten million rows read through a route in a JVM limited to 128 MiB of heap, by the consumer
 * (with a route that sleeps per chunk, so the reader is the slow side) and by StreamList with
 * split().streaming(). Buffering the result would not fit; the rows are counted and summed.
 */
class LargeStreamTest extends CovetPgTestSupport {

    static final long ROWS = 10_000_000;
    /** Streams from the server without a table: generate_series in the select list is not materialised. */
    static final String SQL = "SELECT generate_series(1, " + ROWS + ") AS n, 'row padding to make each row a little wider' AS pad";
    static final long SUM = ROWS * (ROWS + 1) / 2;

    @Test
    void theConsumerStreamsTenMillionRowsWithin128MiB() throws Exception {
        String output = ChildJvm.run("128m", ConsumerChild.class, db.url(), db.password());
        assertThat(output).contains("rows " + ROWS + " sum " + SUM);
    }

    @Test
    void streamListStreamsTenMillionRowsWithin128MiB() throws Exception {
        String output = ChildJvm.run("128m", StreamListChild.class, db.url(), db.password());
        assertThat(output).contains("rows " + ROWS + " sum " + SUM);
    }

    static CovetPgComponent component(String url, String password) {
        CovetPgComponent covetpg = new CovetPgComponent();
        covetpg.getConfiguration().setUrl(url);
        covetpg.getConfiguration().setPassword(password);
        covetpg.getConfiguration().setMaxPoolSize(1);
        return covetpg;
    }

    public static final class ConsumerChild {
        public static void main(String[] args) throws Exception {
            AtomicLong rows = new AtomicLong();
            AtomicLong sum = new AtomicLong();
            CountDownLatch done = new CountDownLatch(1);
            try (CamelContext context = new DefaultCamelContext()) {
                context.addComponent("covetpg", component(args[0], args[1]));
                context.addRoutes(new RouteBuilder() {
                    @Override
                    @SuppressWarnings("unchecked")
                    public void configure() {
                        from("covetpg:query?sql=" + SQL + "&chunkSize=5000&repeatCount=1").process(e -> {
                            for (Map<String, Object> row : (List<Map<String, Object>>) e.getMessage().getBody(List.class)) {
                                rows.incrementAndGet();
                                sum.addAndGet((Integer) row.get("n"));
                            }
                            if (e.getMessage().getHeader(CovetPgConstants.CHUNK_INDEX, Long.class) % 100 == 0) {
                                Thread.sleep(5); // a slow route: the consumer must wait for it, not buffer
                            }
                            if (e.getMessage().getHeader(CovetPgConstants.LAST_CHUNK, Boolean.class)) {
                                done.countDown();
                            }
                        });
                    }
                });
                context.start();
                if (!done.await(10, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("no last chunk after " + rows + " rows");
                }
            }
            System.out.println("rows " + rows + " sum " + sum);
        }
    }

    public static final class StreamListChild {
        public static void main(String[] args) throws Exception {
            AtomicLong rows = new AtomicLong();
            AtomicLong sum = new AtomicLong();
            try (CamelContext context = new DefaultCamelContext()) {
                context.addComponent("covetpg", component(args[0], args[1]));
                context.addRoutes(new RouteBuilder() {
                    @Override
                    public void configure() {
                        from("direct:stream").to("covetpg:query?outputType=StreamList&fetchSize=5000&sql=" + SQL)
                                .split(body()).streaming()
                                .process(e -> {
                                    rows.incrementAndGet();
                                    sum.addAndGet((Integer) e.getMessage().getBody(Map.class).get("n"));
                                });
                    }
                });
                context.start();
                context.createProducerTemplate().sendBody("direct:stream", null);
                // the connection is back: with a pool of one, this answers only then
                Object after = context.createProducerTemplate().requestBody("covetpg:query?outputType=SelectValue&sql=SELECT 1", (Object) null);
                if (!Integer.valueOf(1).equals(after)) {
                    throw new IllegalStateException("after the stream: " + after);
                }
            }
            System.out.println("rows " + rows + " sum " + sum);
        }
    }
}
