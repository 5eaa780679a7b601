package dev.covet.pg;

import dev.covet.pg.client.CovetPgUnknownOutcomeException;
import dev.covet.pg.repository.CovetPgAggregationRepository;
import dev.covet.pg.repository.CovetPgIdempotentRepository;
import dev.covet.pg.tx.CovetPgTransactionPolicy;
import dev.covet.pg.tx.IsolationLevel;
import java.util.List;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;

/**
 * The Java samples of the docs and the README, each as its page shows it, between the markers.
 * {@link DocCodeBlocksTest} checks that every ```java block of a page stands here (or in
 * {@link DocSamplesTest}, which runs the transfer sample against a database) and starts each
 * route builder's routes; so a sample that no longer compiles or no longer starts fails the build.
 */
final class DocSamples {

    private DocSamples() {
    }

    /** The route builders whose routes start as they are (the components they name apart from covetpg stood in for). */
    static List<RouteBuilder> routes() {
        return List.of(new Readme(), new Query(), new Batch(), new Upsert(), new Copy(), new Consumer(), new Listen(),
                new Idempotent(), new Aggregation(), new Threads(), new Redelivery());
    }

    /** README.md, "Quick start". */
    static final class Readme extends RouteBuilder {
        @Override
        public void configure() {
            // --- sample ---
            from("direct:load")       // body: List/Iterator/Stream of Maps, Lists or beans, or a CSV file
                .to("covetpg:copy?table=staging.orders&columns=id,customer,total");

            from("covetpg:query?sql=SELECT * FROM outbox WHERE sent = false ORDER BY id&chunkSize=1000"
                    + "&onConsume=UPDATE outbox SET sent = true WHERE id = :#id")
                .to("kafka:events");  // one chunk at a time, back-pressured

            from("direct:transfer").transacted("covetpgTx")   // a CovetPgTransactionPolicy bean; body: a Map
                .to("covetpg:query?sql=UPDATE account SET balance = balance - :#amount WHERE id = :#from")
                .to("covetpg:query?sql=RAW(UPDATE account SET balance = balance + :#amount WHERE id = :#to)");  // RAW: Camel reads + in a URI as a space
            // --- end ---
        }
    }

    /** docs/configuration.md, "One component, one pool": a second component; it connects elsewhere, so it is only configured. */
    static final class SecondComponent extends RouteBuilder {
        @Override
        public void configure() {
            CamelContext context = getContext();
            // --- sample ---
            CovetPgComponent reporting = new CovetPgComponent();
            reporting.getConfiguration().setUrl("postgresql://reader@warehouse:5432/reporting");
            context.addComponent("covetpg2", reporting);   // then to("covetpg2:query?sql=...")
            // --- end ---
        }
    }

    /** docs/configuration.md, "covetpg:query". */
    static final class Query extends RouteBuilder {
        @Override
        public void configure() {
            // --- sample ---
            from("direct:customer")
                .to("covetpg:query?sql=SELECT id, name FROM customer WHERE id = :#id&outputType=SelectOne");
            // --- end ---
        }
    }

    /** docs/configuration.md, "covetpg:batch". */
    static final class Batch extends RouteBuilder {
        @Override
        public void configure() {
            // --- sample ---
            from("direct:load")                       // body: a List, Iterator or Stream of rows
                .to("covetpg:batch?sql=INSERT INTO orders (id, total) VALUES ($1, $2)");
            from("direct:load-maps")                  // body: rows as Maps or beans
                .to("covetpg:batch?table=sales.orders&columns=id,total,placed_at");
            // --- end ---
        }
    }

    /** docs/configuration.md, "Upserting loads". */
    static final class Upsert extends RouteBuilder {
        @Override
        public void configure() {
            // --- sample ---
            from("direct:prices")                     // rows as Maps, Lists or beans
                .to("covetpg:batch?table=price&columns=sku,amount,updated_at&conflictColumns=sku&onConflict=update");
            from("file:inbox?include=.*\\.csv")
                .to("covetpg:copy?table=price&columns=sku,amount,updated_at&format=csv&conflictColumns=sku&onConflict=nothing");
            // --- end ---
        }
    }

    /** docs/configuration.md, "covetpg:copy". */
    static final class Copy extends RouteBuilder {
        @Override
        public void configure() {
            // --- sample ---
            from("file:inbox?include=.*\\.csv")      // a file already in COPY's csv format
                .to("covetpg:copy?table=staging.orders&columns=id,customer,total&format=csv");
            from("direct:rows")                         // rows (Maps, Lists, arrays or beans), encoded by covetpg
                .to("covetpg:copy?table=staging.orders&format=binary");
            from("direct:export")                       // the server's output as an InputStream, read lazily
                .to("covetpg:copy?sql=RAW(COPY (SELECT * FROM orders WHERE total > 100) TO STDOUT (FORMAT csv, HEADER))")
                .to("file:outbox?fileName=orders.csv");
            // --- end ---
        }
    }

    /** docs/configuration.md, "The consumer". */
    static final class Consumer extends RouteBuilder {
        @Override
        public void configure() {
            // --- sample ---
            from("covetpg:query?sql=SELECT id, payload FROM outbox WHERE sent = false ORDER BY id"
                    + "&chunkSize=500&delay=1000"
                    + "&onConsume=UPDATE outbox SET sent = true WHERE id = :#id")
                .to("kafka:events");
            // --- end ---
        }
    }

    /** docs/configuration.md, "Notifications". */
    static final class Listen extends RouteBuilder {
        @Override
        public void configure() {
            // --- sample ---
            from("covetpg:listen?channel=orders,refunds")
                .log("${header.CamelCovetPgChannel}: ${body}")
                .to("direct:handle");
            // --- end ---
        }
    }

    /** docs/configuration.md, "Idempotent repository". */
    static final class Idempotent extends RouteBuilder {
        @Override
        public void configure() {
            // --- sample ---
            CovetPgIdempotentRepository orderIds = new CovetPgIdempotentRepository("orders");
            from("direct:orders").idempotentConsumer(header("orderId"), orderIds).to("direct:ship");
            // --- end ---
        }
    }

    /** docs/configuration.md, "Aggregation repository". */
    static final class Aggregation extends RouteBuilder {
        /** The sample's "your AggregationStrategy". */
        private final AggregationStrategy joinLines = (old, line) -> line;

        @Override
        public void configure() {
            // --- sample ---
            CovetPgAggregationRepository orders = new CovetPgAggregationRepository("order_lines_agg");
            orders.setMaximumRedeliveries(5);
            orders.setDeadLetterUri("direct:order-lines-dead");
            from("direct:order-lines")
                .aggregate(header("orderId"), joinLines).aggregationRepository(orders)   // joinLines: your AggregationStrategy
                    .optimisticLocking().completionSize(header("lineCount"))
                .to("direct:ship");
            // --- end ---
        }
    }

    /** docs/configuration.md, "Threads". */
    static final class Threads extends RouteBuilder {
        @Override
        public void configure() {
            // --- sample ---
            from("direct:enrich")
                .to("covetpg:query?sql=SELECT * FROM customer WHERE id = :#id&outputType=SelectOne")
                .threads(20)                        // the HTTP call below blocks: give it threads of its own
                .to("http://crm.internal/score");
            // --- end ---
        }
    }

    /** docs/high-availability.md, "Letting Camel redeliver". */
    static final class Redelivery extends RouteBuilder {
        @Override
        public void configure() {
            // --- sample ---
            from("direct:price")
                // the upsert may or may not have run; running it again gives the same row
                .onException(CovetPgUnknownOutcomeException.class)
                    .maximumRedeliveries(3).redeliveryDelay(500).useExponentialBackOff()
                .end()
                .to("covetpg:query?sql=INSERT INTO price (sku, amount) VALUES (:#sku, :#amount)"
                    + " ON CONFLICT (sku) DO UPDATE SET amount = EXCLUDED.amount");
            // --- end ---
        }
    }

    /** The bean the samples' transacted("covetpgTx") names, as docs/configuration.md binds it. */
    static CovetPgTransactionPolicy transactionPolicy() {
        CovetPgTransactionPolicy tx = new CovetPgTransactionPolicy();
        tx.setIsolationLevel(IsolationLevel.SERIALIZABLE);
        return tx;
    }
}
