package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.covet.pg.client.CovetPgException;
import io.vertx.core.Context;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class QueryProducerTest extends CovetPgTestSupport {

    private String people;

    @BeforeEach
    void createTable() {
        people = table("people");
        db.execute("CREATE TABLE " + people + " (id int PRIMARY KEY, full_name text NOT NULL, born date, score numeric(10,2))",
                "INSERT INTO " + people + " VALUES (1, 'Ada', '1815-12-10', 99.50), (2, 'Grace', '1906-12-09', 97.25), (3, 'Edsger', NULL, NULL)");
    }

    @Test
    void selectListReturnsRowsInColumnOrder() throws Exception {
        CamelContext context = startContext(c -> { });
        Exchange out = send(context, "covetpg:query?sql=SELECT id, full_name FROM " + people + " WHERE id < 3 ORDER BY id", null);
        assertThat(out.getException()).isNull();
        List<Map<String, Object>> rows = out.getMessage().getBody(List.class);
        assertThat(rows).containsExactly(Map.of("id", 1, "full_name", "Ada"), Map.of("id", 2, "full_name", "Grace"));
        assertThat(rows.get(0).keySet()).containsExactly("id", "full_name");
        assertThat(out.getMessage().getHeader(CovetPgConstants.ROW_COUNT)).isEqualTo(2L);
    }

    @Test
    void selectOneGivesTheRowOrNullAndRefusesSeveral() throws Exception {
        CamelContext context = startContext(c -> { });
        Exchange one = send(context, "covetpg:query?outputType=SelectOne&sql=SELECT full_name, score FROM " + people + " WHERE id = $1", 1);
        assertThat(one.getMessage().getBody()).isEqualTo(Map.of("full_name", "Ada", "score", new BigDecimal("99.50")));

        Exchange none = send(context, "covetpg:query?outputType=SelectOne&sql=SELECT full_name FROM " + people + " WHERE id = $1", 42);
        assertThat(none.getException()).isNull();
        assertThat(none.getMessage().getBody()).isNull();

        Exchange several = send(context, "covetpg:query?outputType=SelectOne&sql=SELECT full_name FROM " + people, null);
        assertThat(several.getException()).hasMessageContaining("SelectOne").hasMessageContaining("3 rows");
    }

    @Test
    void selectValueGivesFirstColumnOfFirstRow() throws Exception {
        CamelContext context = startContext(c -> { });
        assertThat(send(context, "covetpg:query?outputType=SelectValue&sql=SELECT count(*) FROM " + people, null).getMessage().getBody())
                .isEqualTo(3L);
        assertThat(send(context, "covetpg:query?outputType=SelectValue&sql=SELECT id FROM " + people + " WHERE id > 100", null)
                .getMessage().getBody()).isNull();
    }

    @Test
    void namedParametersComeFromMapBodyThenHeadersThenVariables() throws Exception {
        CamelContext context = startContext(c -> { });
        String uri = "covetpg:query?outputType=SelectValue&sql=SELECT full_name FROM " + people + " WHERE id = :#id";
        Exchange fromBody = template(context).send(uri, e -> {
            e.getMessage().setBody(Map.of("id", 1));
            e.getMessage().setHeader("id", 2);
        });
        assertThat(fromBody.getMessage().getBody()).isEqualTo("Ada");

        Exchange fromHeader = template(context).send(uri, e -> e.getMessage().setHeader("id", 2));
        assertThat(fromHeader.getMessage().getBody()).isEqualTo("Grace");

        Exchange fromVariable = template(context).send(uri, e -> e.setVariable("id", 3));
        assertThat(fromVariable.getMessage().getBody()).isEqualTo("Edsger");
    }

    @Test
    void aNameUsedTwiceBindsOneValueAndLiteralsAreLeftAlone() throws Exception {
        CamelContext context = startContext(c -> { });
        Exchange out = template(context).send(
                "covetpg:query?outputType=SelectOne&sql=RAW(SELECT :#x::int + :#x::int AS twice, ':#x' AS literal)",
                e -> e.getMessage().setHeader("x", 21));
        assertThat(out.getMessage().getBody()).isEqualTo(Map.of("twice", 42, "literal", ":#x"));
    }

    @Test
    void aMissingNamedParameterIsAClearErrorAndTheRouteGoesOn() throws Exception {
        CamelContext context = startContext(c -> { });
        String uri = "covetpg:query?outputType=SelectValue&sql=SELECT full_name FROM " + people + " WHERE id = :#personId";
        Exchange out = send(context, uri, "not a map");
        assertThat(out.getException()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(":#personId").hasMessageContaining("header");
        assertThat(template(context).send(uri, e -> e.getMessage().setHeader("personId", 1)).getMessage().getBody()).isEqualTo("Ada");
    }

    @Test
    void positionalParametersComeFromListArrayOrHeader() throws Exception {
        CamelContext context = startContext(c -> { });
        String uri = "covetpg:query?sql=SELECT id FROM " + people + " WHERE id BETWEEN $1 AND $2 ORDER BY id";
        assertThat(send(context, uri, List.of(1, 2)).getMessage().getBody(List.class)).hasSize(2);
        assertThat(send(context, uri, new Object[] {2, 3}).getMessage().getBody(List.class)).hasSize(2);
        Exchange viaHeader = template(context).send(uri, e -> {
            e.getMessage().setBody("ignored: the header wins");
            e.getMessage().setHeader(CovetPgConstants.PARAMETERS, List.of(3, 3));
        });
        assertThat(viaHeader.getMessage().getBody(List.class)).containsExactly(Map.of("id", 3));

        Exchange wrongCount = send(context, uri, List.of(1));
        assertThat(wrongCount.getException()).hasMessageContaining("expects 2 positional parameter(s) but 1");
    }

    @Test
    void aStringBindsToANumberThroughItsTextAndOneThatIsNoNumberIsAClearError() throws Exception {
        CamelContext context = startContext(c -> { });
        // a REST path parameter is a String: it binds to the integer id as the server's own input would read it
        Exchange text = template(context).send("covetpg:query?outputType=SelectValue&sql=SELECT full_name FROM " + people + " WHERE id = :#id",
                e -> e.getMessage().setHeader("id", " 2 "));
        assertThat(text.getException()).isNull();
        assertThat(text.getMessage().getBody()).isEqualTo("Grace");
        Exchange wrong = template(context).send("covetpg:query?outputType=SelectValue&sql=SELECT full_name FROM " + people + " WHERE id = :#id",
                e -> e.getMessage().setHeader("id", "two-secret"));
        assertThat(wrong.getException()).isInstanceOf(CovetPgException.class).hasNoCause()
                .hasMessageContaining("Parameter $1: a java.lang.String does not fit integer")
                .hasMessageNotContaining("two-secret");
        assertThat(((CovetPgException) wrong.getException()).getSqlState()).isEqualTo("22023");
    }

    @Test
    void dmlSetsUpdateCountAndLeavesTheBodyAlone() throws Exception {
        CamelContext context = startContext(c -> { });
        Exchange out = send(context, "covetpg:query?sql=RAW(UPDATE " + people + " SET score = score + 1 WHERE score IS NOT NULL)", "keep me");
        assertThat(out.getException()).isNull();
        assertThat(out.getMessage().getHeader(CovetPgConstants.UPDATE_COUNT)).isEqualTo(2L);
        assertThat(out.getMessage().getBody()).isEqualTo("keep me");
        assertThat(db.queryValue("SELECT score FROM " + people + " WHERE id = 1")).isEqualTo(new BigDecimal("100.50"));

        Exchange returning = send(context, "covetpg:query?sql=DELETE FROM " + people + " WHERE id = 3 RETURNING full_name", null);
        assertThat(returning.getMessage().getBody(List.class)).containsExactly(Map.of("full_name", "Edsger"));
        assertThat(db.queryValue("SELECT count(*) FROM " + people)).isEqualTo(2L);
    }

    @Test
    void aSqlErrorCarriesSqlStateAndTheRouteKeepsWorking() throws Exception {
        CamelContext context = startContext(c -> { });
        Exchange syntax = send(context, "covetpg:query?sql=SELEC nonsense", null);
        assertThat(syntax.getException()).isInstanceOf(CovetPgException.class).hasMessageContaining("syntax error")
                .hasMessageContaining("42601");
        assertThat(((CovetPgException) syntax.getException()).getSqlState()).isEqualTo("42601");

        Exchange duplicate = send(context, "covetpg:query?sql=INSERT INTO " + people + " (id, full_name) VALUES ($1, $2)", List.of(1, "Again"));
        CovetPgException e = (CovetPgException) duplicate.getException();
        assertThat(e.getSqlState()).isEqualTo("23505");
        assertThat(e.getConstraint()).isEqualTo(people + "_pkey");
        assertThat(e.getTable()).isEqualTo(people);
        assertThat(e.getDetail()).contains("(id)=(1)");

        Exchange notNull = send(context, "covetpg:query?sql=INSERT INTO " + people + " (id, full_name) VALUES ($1, $2)", new Object[] {9, null});
        assertThat(((CovetPgException) notNull.getException()).getColumn()).isEqualTo("full_name");

        assertThat(send(context, "covetpg:query?outputType=SelectValue&sql=SELECT 1", null).getMessage().getBody()).isEqualTo(1);
    }

    @Test
    void sqlFromTheBodyWhenAskedAndFromTheHeaderOnlyWhenAllowed() throws Exception {
        CamelContext context = startContext(c -> { });
        Exchange fromBody = template(context).send("covetpg:query?useMessageBodyForSql=true&outputType=SelectValue", e -> {
            e.getMessage().setBody("SELECT full_name FROM " + people + " WHERE id = $1");
            e.getMessage().setHeader(CovetPgConstants.PARAMETERS, List.of(2));
        });
        assertThat(fromBody.getMessage().getBody()).isEqualTo("Grace");

        String hostile = "DELETE FROM " + people;
        Exchange ignored = template(context).send("covetpg:query?outputType=SelectValue&sql=SELECT count(*) FROM " + people,
                e -> e.getMessage().setHeader(CovetPgConstants.QUERY, hostile));
        assertThat(ignored.getMessage().getBody()).isEqualTo(3L);
        assertThat(db.queryValue("SELECT count(*) FROM " + people)).isEqualTo(3L);

        Exchange allowed = template(context).send("covetpg:query?allowQueryFromHeader=true&outputType=SelectValue&sql=SELECT 0",
                e -> e.getMessage().setHeader(CovetPgConstants.QUERY, "SELECT max(id) FROM " + people));
        assertThat(allowed.getMessage().getBody()).isEqualTo(3);
    }

    @Test
    void twoColumnsOfOneNameFailInsteadOfLosingAValue() throws Exception {
        CamelContext context = startContext(c -> { });
        Exchange out = send(context, "covetpg:query?sql=SELECT 1 AS a, 2 AS a", null);
        assertThat(out.getException()).hasMessageContaining("two columns named a");
        // and a function that returns nothing reads as null, as before
        assertThat(send(context, "covetpg:query?outputType=SelectValue&sql=SELECT pg_sleep(0)", null).getMessage().getBody()).isNull();
    }

    @Test
    void outputClassMapsSnakeCaseColumnsToProperties() throws Exception {
        CamelContext context = startContext(c -> { });
        Exchange out = send(context, "covetpg:query?outputClass=" + Person.class.getName() + "&sql=SELECT id, full_name, score FROM "
                + people + " ORDER BY id", null);
        List<Person> persons = out.getMessage().getBody(List.class);
        assertThat(persons).hasSize(3);
        assertThat(persons.get(0).getId()).isEqualTo(1);
        assertThat(persons.get(0).getFullName()).isEqualTo("Ada");
        assertThat(persons.get(1).getScore()).isEqualByComparingTo("97.25");
        assertThat(persons.get(2).getScore()).isNull();
    }

    @Test
    @SuppressWarnings("unchecked")
    void outputClassCopiesValuesAndNeverInterpretsThem() throws Exception {
        String notes = table("notes");
        // what Camel's property binder would expand: a placeholder, a bean reference, a class to instantiate
        db.execute("CREATE TABLE " + notes + " (id bigint, full_name text, score numeric)",
                "INSERT INTO " + notes + " VALUES (1, '{{env:HOME}}', 1), (2, '#bean:covetpg', 2), (3, '#class:java.lang.Thread', 3),"
                        + " (4, '${header.x}', 4)");
        CamelContext context = startContext(c -> { });
        Exchange out = send(context, "covetpg:query?outputClass=" + Note.class.getName() + "&sql=SELECT * FROM " + notes + " ORDER BY id", null);
        assertThat(out.getException()).isNull();
        assertThat((List<Note>) out.getMessage().getBody(List.class)).extracting(Note::fullName)
                .containsExactly("{{env:HOME}}", "#bean:covetpg", "#class:java.lang.Thread", "${header.x}");

        // a value the property cannot hold exactly fails, naming column and property but not the value
        Exchange narrowed = send(context, "covetpg:query?outputClass=" + Person.class.getName() + "&sql=SELECT id, full_name FROM " + notes, null);
        assertThat(narrowed.getException()).hasMessageContaining("Column id reads as a java.lang.Long, which property id of outputClass")
                .hasMessageContaining("(a int)").hasMessageNotContaining("{{env");
        Exchange extra = send(context, "covetpg:query?outputClass=" + Note.class.getName() + "&sql=SELECT 1::bigint AS id, 'x' AS nickname", null);
        assertThat(extra.getException()).hasMessageContaining("Column nickname has no property in outputClass");
        Exchange nullIntoPrimitive = send(context, "covetpg:query?outputClass=" + Person.class.getName()
                + "&sql=SELECT NULL::int AS id", null);
        assertThat(nullIntoPrimitive.getException()).hasMessageContaining("Column id is NULL but property id").hasMessageContaining("make it a Integer");
    }

    /** A record as outputClass: each column goes to the component of its name. */
    public record Note(long id, String fullName, BigDecimal score) {
    }

    @Test
    void streamListReadsThroughACursorAndGivesTheConnectionBack() throws Exception {
        String numbers = table("numbers");
        db.execute("CREATE TABLE " + numbers + " AS SELECT g AS n FROM generate_series(1, 2500) g");
        List<Integer> seen = new ArrayList<>();
        CamelContext context = startContext(c -> c.setMaxPoolSize(1), new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:stream")
                        .to("covetpg:query?outputType=StreamList&fetchSize=100&sql=SELECT n FROM " + numbers + " ORDER BY n")
                        .split(body()).streaming()
                        .process(e -> seen.add((Integer) e.getMessage().getBody(Map.class).get("n")));
            }
        });
        template(context).sendBody("direct:stream", null);
        assertThat(seen).hasSize(2500);
        assertThat(seen.get(0)).isEqualTo(1);
        assertThat(seen.get(2499)).isEqualTo(2500);
        // with a pool of one, this only answers if the cursor's connection came back
        assertThat(send(context, "covetpg:query?outputType=SelectValue&sql=SELECT 7", null).getMessage().getBody()).isEqualTo(7);
        assertThat(covetpg(context).getPoolStatistics().inUse()).isZero();
    }

    @Test
    void streamListGivesTheConnectionBackWhenTheSplitFailsHalfWay() throws Exception {
        String numbers = table("numbers");
        db.execute("CREATE TABLE " + numbers + " AS SELECT g AS n FROM generate_series(1, 1000) g");
        CamelContext context = startContext(c -> c.setMaxPoolSize(1), new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:stream")
                        .to("covetpg:query?outputType=StreamList&fetchSize=50&sql=SELECT n FROM " + numbers + " ORDER BY n")
                        .split(body()).streaming().stopOnException()
                        .process(e -> {
                            if ((Integer) e.getMessage().getBody(Map.class).get("n") == 120) {
                                throw new IllegalStateException("row 120 is bad");
                            }
                        });
            }
        });
        for (int i = 0; i < 100; i++) {
            Exchange out = template(context).send("direct:stream", e -> { });
            assertThat(out.getException()).hasMessageContaining("row 120 is bad");
        }
        assertThat(send(context, "covetpg:query?outputType=SelectValue&sql=SELECT 8", null).getMessage().getBody()).isEqualTo(8);
        assertThat(covetpg(context).getPoolStatistics().inUse()).isZero();
    }

    @Test
    void routeStepsAfterCovetpgNeverRunOnAnEventLoop() throws Exception {
        AtomicReference<String> thread = new AtomicReference<>();
        AtomicReference<Boolean> onEventLoop = new AtomicReference<>();
        CamelContext context = startContext(c -> { }, new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:q").to("covetpg:query?sql=SELECT 1").process(e -> {
                    thread.set(Thread.currentThread().getName());
                    onEventLoop.set(Context.isOnEventLoopThread());
                });
            }
        });
        template(context).sendBody("direct:q", null);
        assertThat(onEventLoop.get()).isFalse();
        assertThat(thread.get()).doesNotContain("eventloop");
    }

    @Test
    void underLoadNoRouteStepRunsOnAnEventLoopAndNoExchangeIsLost() throws Exception {
        java.util.concurrent.atomic.AtomicInteger onEventLoop = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger steps = new java.util.concurrent.atomic.AtomicInteger();
        CamelContext context = startContext(c -> c.setMaxPoolSize(4), new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:q").to("covetpg:query?outputType=SelectValue&sql=SELECT 1").process(e -> {
                    if (Context.isOnEventLoopThread()) {
                        onEventLoop.incrementAndGet();
                    }
                    steps.incrementAndGet();
                    Thread.sleep(2); // keeps the completion threads busy, so answers queue up behind them
                });
            }
        });
        for (Exchange out : sendAtOnce(context, "direct:q", 400)) {
            assertThat(out.getMessage().getBody()).isEqualTo(1);
        }
        assertThat(steps.get()).isEqualTo(400);
        assertThat(onEventLoop.get()).as("route steps that ran on a Vert.x event loop").isZero();
    }

    @Test
    void routesContinueOnAsManyThreadsAsCompletionThreadsSays() throws Exception {
        java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        CamelContext context = startContext(c -> c.setCompletionThreads(3), new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:q").to("covetpg:query?outputType=SelectValue&sql=SELECT pg_sleep(0.01)")
                        .process(e -> threads.add(Thread.currentThread().getName()));
            }
        });
        sendAtOnce(context, "direct:q", 60);
        assertThat(threads).isNotEmpty().hasSizeLessThanOrEqualTo(3).allSatisfy(name -> assertThat(name).contains("CovetPgCompletion"));
    }

    @Test
    void aTransactedExchangeIsRoutedOnTheThreadThatSentIt() throws Exception {
        List<String> threads = java.util.Collections.synchronizedList(new ArrayList<>());
        CamelContext context = newContext(c -> { }, new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:tx").transacted("covetpgTx")
                        .to("covetpg:query?sql=INSERT INTO " + people + " (id, full_name) VALUES (10, 'Barbara')")
                        .process(e -> threads.add(Thread.currentThread().getName()))
                        .to("covetpg:query?outputType=StreamList&sql=SELECT id FROM " + people + " ORDER BY id")
                        .process(e -> threads.add(Thread.currentThread().getName()))
                        .to("covetpg:query?outputType=SelectValue&sql=SELECT count(*) FROM " + people)
                        .process(e -> threads.add(Thread.currentThread().getName()));
            }
        });
        context.getRegistry().bind("covetpgTx", new dev.covet.pg.tx.CovetPgTransactionPolicy());
        context.start();
        Exchange out = send(context, "direct:tx", null);
        assertThat(out.getException()).isNull();
        assertThat(out.getMessage().getBody()).isEqualTo(4L); // the insert is seen inside the transaction
        // each step waited for its answer on the sending thread: no completion thread took the exchange over
        assertThat(threads).containsExactly(Thread.currentThread().getName(), Thread.currentThread().getName(),
                Thread.currentThread().getName());
        assertThat(db.queryValue("SELECT full_name FROM " + people + " WHERE id = 10")).isEqualTo("Barbara"); // committed
        assertThat(covetpg(context).getPoolStatistics().inUse()).isZero();
    }

    @Test
    void synchronousRoutesOnTheSendingThreadAndOtherwiseOnACompletionThread() throws Exception {
        AtomicReference<String> synchronous = new AtomicReference<>();
        AtomicReference<String> asynchronous = new AtomicReference<>();
        CamelContext context = startContext(c -> { }, new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:sync").to("covetpg:query?synchronous=true&outputType=SelectOne&sql=SELECT full_name FROM " + people + " WHERE id = 2")
                        .process(e -> synchronous.set(Thread.currentThread().getName()));
                from("direct:async").to("covetpg:query?outputType=SelectOne&sql=SELECT full_name FROM " + people + " WHERE id = 2")
                        .process(e -> asynchronous.set(Thread.currentThread().getName()));
            }
        });
        assertThat(send(context, "direct:sync", null).getMessage().getBody()).isEqualTo(Map.of("full_name", "Grace"));
        assertThat(send(context, "direct:async", null).getMessage().getBody()).isEqualTo(Map.of("full_name", "Grace"));
        assertThat(synchronous.get()).isEqualTo(Thread.currentThread().getName());
        assertThat(asynchronous.get()).contains("CovetPgCompletion");
        // a failure reaches a synchronous caller as it reaches an asynchronous one
        Exchange failed = send(context, "covetpg:query?synchronous=true&sql=SELECT * FROM " + people + "_missing", null);
        Exchange failedAsync = send(context, "covetpg:query?sql=SELECT * FROM " + people + "_missing", null);
        assertThat(failed.getException()).isInstanceOf(CovetPgException.class);
        assertThat(((CovetPgException) failed.getException()).getSqlState()).isEqualTo("42P01");
        assertThat(failed.getException().getMessage()).isEqualTo(failedAsync.getException().getMessage());
    }

    @Test
    void anInterruptDoesNotEndASynchronousWaitAndStaysSet() throws Exception {
        CamelContext context = newContext(c -> c.setMaxPoolSize(1), new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:hold").transacted("covetpgTx").to("covetpg:query?sql=SELECT pg_sleep(2)");
                from("direct:count").to("covetpg:query?synchronous=true&outputType=SelectValue&sql=SELECT count(*) FROM " + people);
            }
        });
        context.getRegistry().bind("covetpgTx", new dev.covet.pg.tx.CovetPgTransactionPolicy());
        context.start();
        // the only connection is held by a transaction for 2 s, so the statement waits for it
        var holder = template(context).asyncSend("direct:hold", e -> { });
        await(() -> covetpg(context).getPoolStatistics().inUse() == 1, "the transaction holding the connection");
        AtomicReference<Exchange> out = new AtomicReference<>();
        AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            out.set(send(context, "direct:count", null));
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        }, "interrupted-caller");
        caller.start();
        await(() -> covetpg(context).getPoolStatistics().waiting() == 1, "the statement waiting for the connection");
        caller.interrupt();
        caller.join(20_000);
        // as a blocking driver's read: the statement ran to its answer, which the route got; the interrupt is still there
        assertThat(out.get().getException()).isNull();
        assertThat(out.get().getMessage().getBody()).isEqualTo(3L);
        assertThat(stillInterrupted.get()).isTrue();
        assertThat(holder.get(20, java.util.concurrent.TimeUnit.SECONDS).getException()).isNull();
        await(() -> covetpg(context).getPoolStatistics().inUse() == 0, "the connection back in the pool");
    }

    /** A bean whose setter throws an Error, as a broken outputClass can. */
    public static class Broken {
        public void setId(int id) {
            throw new AssertionError("a setter that breaks");
        }
    }

    @Test
    void anErrorWhileTheAnswerIsAppliedFailsTheExchangeOnEveryPath() throws Exception {
        String select = "outputType=SelectOne&outputClass=" + Broken.class.getName() + "&sql=SELECT id FROM " + people + " WHERE id = 1";
        CamelContext context = newContext(c -> c.setMaxPoolSize(1), new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:async").to("covetpg:query?" + select);
                from("direct:sync").to("covetpg:query?synchronous=true&" + select);
                from("direct:tx").transacted("covetpgTx").to("covetpg:query?" + select);
            }
        });
        context.getRegistry().bind("covetpgTx", new dev.covet.pg.tx.CovetPgTransactionPolicy());
        context.start();
        for (String route : List.of("direct:async", "direct:sync", "direct:tx")) {
            // the exchange ends (it is not left in flight) and fails with the Error
            Exchange out = template(context).asyncSend(route, e -> { }).get(20, java.util.concurrent.TimeUnit.SECONDS);
            // (Camel wraps an Error in a CamelExecutionException when it sets it on the exchange)
            assertThat(out.getException()).as(route).hasRootCauseInstanceOf(AssertionError.class).hasRootCauseMessage("a setter that breaks");
            // the only connection is back, a route transaction's included
            await(() -> covetpg(context).getPoolStatistics().inUse() == 0, "the connection back after " + route);
        }
    }

    /** Sends {@code count} empty exchanges to {@code uri} without waiting between them; each answer, checked to have no exception. */
    private static List<Exchange> sendAtOnce(CamelContext context, String uri, int count) throws Exception {
        ProducerTemplate template = template(context);
        List<java.util.concurrent.CompletableFuture<Exchange>> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sent.add(template.asyncSend(uri, e -> { }));
        }
        List<Exchange> answers = new ArrayList<>();
        for (var future : sent) {
            Exchange out = future.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(out.getException()).isNull();
            answers.add(out);
        }
        return answers;
    }

    @Test
    void anIteratorBodyIsNotConsumedByAQueryWithoutParameters() throws Exception {
        CamelContext context = startContext(c -> { });
        Iterator<Integer> body = List.of(1, 2).iterator();
        Exchange out = send(context, "covetpg:query?outputType=SelectValue&sql=SELECT 5", body);
        assertThat(out.getMessage().getBody()).isEqualTo(5);
        assertThat(body.hasNext()).isTrue();
    }

    public static class Person {
        private int id;
        private String fullName;
        private BigDecimal score;

        public int getId() { return id; }
        public void setId(int id) { this.id = id; }
        public String getFullName() { return fullName; }
        public void setFullName(String fullName) { this.fullName = fullName; }
        public BigDecimal getScore() { return score; }
        public void setScore(BigDecimal score) { this.score = score; }
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
