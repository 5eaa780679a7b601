package dev.covet.pg;

import static org.apache.camel.builder.Builder.body;
import static org.apache.camel.builder.Builder.constant;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.engine.DefaultClassResolver;
import org.apache.camel.model.RouteDefinition;
import org.junit.jupiter.api.Test;

/**
 * Exchanges still in flight when a graceful stop begins run to their end. Camel creates a toD
 * endpoint's producer when an exchange first reaches it, and while the context stops it only
 * initializes that producer, never starts it (its start is deferred to a context start that never
 * comes): covetpg starts it then, once, under the producer's lock, for every exchange that meets it.
 */
class StoppingTest extends CovetPgTestSupport {

    /** The bean of the outputClass test; its class is looked up slowly (see below). */
    public static final class Answer {
        private int v;

        public int getV() {
            return v;
        }

        public void setV(int v) {
            this.v = v;
        }
    }

    /**
     * Sends {@code count} exchanges (with {@code headers}) into a route that holds them, then runs
     * {@code steps}; stops the context while they are held and lets them go once it is stopping.
     */
    private List<Exchange> throughAStop(CamelContext context, int count, Map<String, Object> headers,
                                        java.util.function.Consumer<RouteDefinition> steps) throws Exception {
        CountDownLatch held = new CountDownLatch(count);
        CountDownLatch release = new CountDownLatch(1);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                steps.accept(from("direct:drain").process(e -> {
                    held.countDown();
                    release.await();
                }));
            }
        });
        context.getShutdownStrategy().setTimeout(60);
        context.start();
        List<CompletableFuture<Exchange>> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int n = i;
            sent.add(template(context).asyncSend("direct:drain", e -> {
                e.getMessage().getHeaders().putAll(headers);
                e.getMessage().setHeader("n", n);
            }));
        }
        assertThat(held.await(30, TimeUnit.SECONDS)).as("every exchange reached the held step").isTrue();
        Thread stopping = new Thread(context::stop, "stopping-context");
        stopping.start();
        await(context::isStopping, "the context stopping");
        release.countDown();
        List<Exchange> out = new ArrayList<>();
        for (CompletableFuture<Exchange> s : sent) {
            out.add(s.get(60, TimeUnit.SECONDS));
        }
        stopping.join(60_000);
        return out;
    }

    @Test
    void exchangesInFlightRunTheirDynamicQueryBatchAndCopyStepsToTheEnd() throws Exception {
        String batched = table("drained_batch");
        String copied = table("drained_copy");
        db.execute("CREATE TABLE " + batched + " (id int, name text)", "CREATE TABLE " + copied + " (id int, name text)");
        // six at once meet each new producer first
        List<Exchange> out = throughAStop(newContext(c -> { }), 6, Map.of("batchTable", batched, "copyTable", copied), route -> route
                .toD("covetpg:query?outputType=SelectValue&sql=SELECT ${header.n}::int * 10")
                .setHeader("answer", body())
                .setBody(e -> List.of(List.of(e.getMessage().getHeader("n"), "batch")))
                .toD("covetpg:batch?table=${header.batchTable}")
                .setBody(e -> List.of(List.of(e.getMessage().getHeader("n"), "copy")))
                .toD("covetpg:copy?table=${header.copyTable}"));
        for (Exchange e : out) {
            assertThat(e.getException()).as("an exchange that was in flight").isNull();
            assertThat(e.getMessage().getHeader("answer")).isEqualTo(e.getMessage().getHeader("n", Integer.class) * 10);
        }
        assertThat(db.queryValue("SELECT string_agg(id || ':' || name, ',' ORDER BY id) FROM " + batched))
                .isEqualTo("0:batch,1:batch,2:batch,3:batch,4:batch,5:batch");
        assertThat(db.queryValue("SELECT string_agg(id || ':' || name, ',' ORDER BY id) FROM " + copied))
                .isEqualTo("0:copy,1:copy,2:copy,3:copy,4:copy,5:copy");
    }

    @Test
    void noExchangeRunsOnAProducerThatAnotherIsStillStarting() throws Exception {
        // the producer's start looks up outputClass; made slow, the start is still under way when
        // the other exchanges reach the step: they wait for it instead of running without the class
        CamelContext context = newContext(c -> { });
        context.setClassResolver(new DefaultClassResolver(context) {
            @Override
            public Class<?> resolveMandatoryClass(String name) throws ClassNotFoundException {
                if (name.equals(Answer.class.getName())) {
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return super.resolveMandatoryClass(name);
            }
        });
        List<Exchange> out = throughAStop(context, 6, Map.of("type", Answer.class.getName()), route -> route
                .toD("covetpg:query?outputType=SelectOne&outputClass=${header.type}&sql=SELECT 7 AS v"));
        for (Exchange e : out) {
            assertThat(e.getException()).isNull();
            assertThat(e.getMessage().getBody()).as("the row as the outputClass bean").isInstanceOf(Answer.class);
            assertThat(e.getMessage().getBody(Answer.class).getV()).isEqualTo(7);
        }
    }

    @Test
    void aDynamicStepWithAWrongOptionFailsEveryExchangeNamingIt() throws Exception {
        // a failed start is tried again by the next exchange, and fails again the same way: none
        // runs on what the failed start had set before it threw
        List<Exchange> out = throughAStop(newContext(c -> { }), 3, Map.of("size", 0), route -> route
                .toD("covetpg:query?fetchSize=${header.size}&sql=SELECT 1"));
        for (Exchange e : out) {
            assertThat(e.getException()).as("each exchange").isNotNull();
            assertThat(messages(e.getException())).contains("Invalid fetchSize '0'");
        }
        List<Exchange> batches = throughAStop(newContext(c -> { }), 3, Map.of("size", 0), route -> route
                .setBody(constant(List.of(List.of(1))))
                .toD("covetpg:batch?table=nowhere&batchSize=${header.size}"));
        for (Exchange e : batches) {
            assertThat(e.getException()).as("each exchange").isNotNull();
            assertThat(messages(e.getException())).contains("Invalid batchSize '0'");
        }
    }
}
