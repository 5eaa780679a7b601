package dev.covet.pg;

import dev.covet.pg.client.CovetPgException;
import dev.covet.pg.client.PgClient;
import dev.covet.pg.client.PgSession;
import dev.covet.pg.client.QueryResult;
import dev.covet.pg.client.RowCursor;
import dev.covet.pg.client.StatementOptions;
import dev.covet.pg.sql.NamedParameters;
import dev.covet.pg.sql.ParsedSql;
import dev.covet.pg.tx.RouteTransaction;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultAsyncProducer;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * {@code covetpg:query}: one statement per exchange, parameters bound. The I/O completes on a
 * Vert.x event loop, where no route step may run, so the exchange continues either on the
 * component's completion executor (asynchronous, the default) or on the thread that sent it, which
 * waits for the answer: always for a transacted exchange, whose thread waits for each step anyway,
 * and with {@code synchronous=true}. Waiting there spares a hand-off to a completion thread and
 * back on every statement (see docs/benchmarks.md, transaction).
 */
public class CovetPgQueryProducer extends DefaultAsyncProducer {

    private ParsedSql endpointStatement;
    private RowBeanMapper beanMapper;
    private StatementOptions options;
    private boolean synchronous;

    public CovetPgQueryProducer(CovetPgEndpoint endpoint) {
        super(endpoint);
    }

    @Override
    public CovetPgEndpoint getEndpoint() {
        return (CovetPgEndpoint) super.getEndpoint();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        CovetPgEndpoint e = getEndpoint();
        if ((e.getSql() == null || e.getSql().isBlank()) && !e.isUseMessageBodyForSql() && !e.isAllowQueryFromHeader()) {
            throw new IllegalArgumentException("covetpg:" + e.getOperation() + " needs the sql option (or useMessageBodyForSql=true)");
        }
        if (e.getFetchSize() < 1) {
            throw new IllegalArgumentException("Invalid fetchSize '" + e.getFetchSize() + "': must be 1 or more");
        }
        checkDuration(e.getQueryTimeout(), "queryTimeout");
        checkDuration(e.getCommandTimeout(), "commandTimeout");
        options = e.statementOptions();
        synchronous = e.isSynchronous();
        endpointStatement = e.getSql() == null || e.getSql().isBlank() ? null : NamedParameters.parse(e.getSql());
        if (e.getOutputClass() != null) {
            Class<?> type = getEndpoint().getCamelContext().getClassResolver().resolveMandatoryClass(e.getOutputClass());
            beanMapper = new RowBeanMapper(type);
        }
    }

    private static void checkDuration(Long millis, String option) {
        if (millis != null && millis < 0) {
            throw new IllegalArgumentException("Invalid " + option + " '" + millis + "': must be 0 (no limit) or a positive duration");
        }
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        CovetPgEndpoint e = getEndpoint();
        try {
            CovetPgEndpoint.startUnlessStarted(this);
            ParsedSql statement = statement(exchange);
            List<Object> params = parameters(statement, exchange);
            PgClient client = e.getComponent().client();
            PgSession transaction = RouteTransaction.current(exchange, e.getComponent());
            if (e.getOutputType() == CovetPgOutputType.StreamList) {
                Future<RowCursor> opened = client.openCursor(statement.sql(), params, e.getFetchSize(), options, transaction);
                return continueRouting(exchange, callback, opened, cursor -> {
                    if (transaction != null) {
                        transaction.closeBeforeEnd(cursor);
                    }
                    streamResult(exchange, cursor);
                });
            }
            return continueRouting(exchange, callback, client.query(statement.sql(), params, options, transaction),
                    result -> applyResult(exchange, result));
        } catch (Exception ex) {
            exchange.setException(ex);
            callback.done(true);
            return true;
        }
    }

    /**
     * Hands the exchange back to Camel on a route thread, never on the event loop that completed
     * the I/O: this thread when it {@link #waitsHere waits here}, else a completion thread. The
     * callback is called once, whatever applying the answer throws.
     */
    private <T> boolean continueRouting(Exchange exchange, AsyncCallback callback, Future<T> answer, Consumer<T> onSuccess) {
        if (!waitsHere(exchange)) {
            answer.onComplete(ar -> getEndpoint().getComponent().runOnCompletionThread(() -> {
                try {
                    apply(exchange, ar, onSuccess);
                } finally {
                    callback.done(false);
                }
            }));
            return false;
        }
        try {
            // Bounded by commandTimeout, as the asynchronous path is. Not ended by an interrupt, as a
            // blocking driver's socket read is not: the statement would go on without its caller (and
            // in a route transaction could even run after the ROLLBACK); the interrupt stays set.
            answer.toCompletionStage().toCompletableFuture().join();
        } catch (CompletionException failed) {
            // the failure is on the future, and applied from there
        }
        try {
            apply(exchange, answer, onSuccess);
        } finally {
            callback.done(true);
        }
        return true;
    }

    /** The answer onto the exchange; a failure to apply it fails the exchange (a JVM error still propagates, after it). */
    private static <T> void apply(Exchange exchange, AsyncResult<T> answer, Consumer<T> onSuccess) {
        try {
            if (answer.failed()) {
                exchange.setException(answer.cause());
            } else {
                onSuccess.accept(answer.result());
            }
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (Exception | Error e) {
            // an Error too (an outputClass whose initializer or setter throws one): the exchange must end
            exchange.setException(e);
        }
    }

    /**
     * Whether this step waits for its answer on the thread that sent the exchange: a transacted
     * exchange's thread (Camel runs its steps one after another on it, waiting for each) and, with
     * synchronous=true, any caller but a completion thread (the answers of other exchanges queue for
     * those few threads); never an event loop, where waiting would stall every connection.
     */
    private boolean waitsHere(Exchange exchange) {
        return (exchange.isTransacted() || (synchronous && !getEndpoint().getComponent().onCompletionThread())) && !PgClient.onEventLoop();
    }

    private ParsedSql statement(Exchange exchange) {
        CovetPgEndpoint e = getEndpoint();
        if (e.isAllowQueryFromHeader()) {
            String fromHeader = exchange.getMessage().getHeader(CovetPgConstants.QUERY, String.class);
            if (fromHeader != null) {
                return NamedParameters.parse(fromHeader);
            }
        }
        if (e.isUseMessageBodyForSql()) {
            String body = exchange.getMessage().getBody(String.class);
            if (body == null || body.isBlank()) {
                throw new IllegalArgumentException("useMessageBodyForSql=true but the message body holds no statement");
            }
            return NamedParameters.parse(body);
        }
        if (endpointStatement == null) {
            throw new IllegalArgumentException("No statement: the endpoint has no sql and the message has no "
                    + CovetPgConstants.QUERY + " header");
        }
        return endpointStatement;
    }

    private List<Object> parameters(ParsedSql statement, Exchange exchange) {
        Message message = exchange.getMessage();
        boolean bodyIsStatement = getEndpoint().isUseMessageBodyForSql();
        Object body = bodyIsStatement ? null : message.getBody();
        if (statement.hasNamedParameters()) {
            List<Object> values = new ArrayList<>(statement.names().size());
            for (String name : statement.names()) {
                values.add(namedValue(name, body, exchange));
            }
            return values;
        }
        if (statement.positionalCount() == 0) {
            return List.of();
        }
        Object source = message.getHeader(CovetPgConstants.PARAMETERS);
        if (source == null) {
            source = body;
        }
        List<Object> values = asList(source);
        if (values == null && statement.positionalCount() == 1 && source != null && !(source instanceof Map)) {
            values = List.of(source);
        }
        if (values == null) {
            throw new IllegalArgumentException("The statement has " + statement.positionalCount() + " positional parameter(s) ($1..$"
                    + statement.positionalCount() + ") but neither the " + CovetPgConstants.PARAMETERS + " header nor the body is a List or array"
                    + (source == null ? " (both are empty)" : " (the body is a " + source.getClass().getName() + ")"));
        }
        if (values.size() != statement.positionalCount()) {
            throw new IllegalArgumentException("The statement expects " + statement.positionalCount() + " positional parameter(s) but "
                    + values.size() + " were given");
        }
        return values;
    }

    private static Object namedValue(String name, Object body, Exchange exchange) {
        if (body instanceof Map<?, ?> map && map.containsKey(name)) {
            return map.get(name);
        }
        Map<String, Object> headers = exchange.getMessage().getHeaders();
        if (headers.containsKey(name)) {
            return headers.get(name);
        }
        if (exchange.hasVariables() && exchange.getVariables().containsKey(name)) {
            return exchange.getVariable(name);
        }
        throw new IllegalArgumentException("No value for the named parameter :#" + name
                + ": it is not a key of a Map body, nor a header, nor an exchange variable");
    }

    @SuppressWarnings("unchecked")
    private static List<Object> asList(Object value) {
        if (value instanceof List<?> list) {
            return (List<Object>) list;
        }
        if (value instanceof Collection<?> c) {
            return new ArrayList<>(c);
        }
        if (value instanceof Object[] array) {
            return Arrays.asList(array);
        }
        return null;
    }

    private void applyResult(Exchange exchange, QueryResult result) {
        Message message = exchange.getMessage();
        if (result.retries() > 0) {
            message.setHeader(CovetPgConstants.RETRIES, result.retries());
        }
        if (!result.hasRows()) {
            // DML without RETURNING, DDL: the body stays as it was
            message.setHeader(CovetPgConstants.UPDATE_COUNT, result.rowCount());
            return;
        }
        List<Map<String, Object>> rows = result.rows();
        message.setHeader(CovetPgConstants.ROW_COUNT, (long) rows.size());
        switch (getEndpoint().getOutputType()) {
            case SelectOne -> {
                if (rows.size() > 1) {
                    // what the data holds, not a mistake in the route: a CovetPgException, with the SQLSTATE the
                    // server gives a scalar subquery that returns several rows (cardinality_violation)
                    throw new CovetPgException("outputType=SelectOne but the query returned " + rows.size()
                            + " rows (SQLSTATE 21000); narrow the query or use SelectList", null, "21000",
                            null, null, null, null, null, null);
                }
                message.setBody(rows.isEmpty() ? null : mapRow(rows.get(0)));
            }
            case SelectValue -> {
                Object value = rows.isEmpty() || rows.get(0).isEmpty() ? null : rows.get(0).values().iterator().next();
                message.setBody(value);
            }
            default -> {
                if (beanMapper == null) {
                    message.setBody(rows);
                } else {
                    List<Object> beans = new ArrayList<>(rows.size());
                    rows.forEach(row -> beans.add(beanMapper.map(row)));
                    message.setBody(beans);
                }
            }
        }
    }

    private Object mapRow(Map<String, Object> row) {
        return beanMapper == null ? row : beanMapper.map(row);
    }

    private void streamResult(Exchange exchange, RowCursor cursor) {
        // the cursor holds a connection: give it back when the exchange is done, however it ends
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onComplete(Exchange done) {
                cursor.close(true);
            }

            @Override
            public void onFailure(Exchange done) {
                cursor.close(false);
            }
        });
        if (beanMapper == null) {
            exchange.getMessage().setBody(cursor);
            return;
        }
        exchange.getMessage().setBody(new Iterator<Object>() {
            @Override
            public boolean hasNext() {
                return cursor.hasNext();
            }

            @Override
            public Object next() {
                return beanMapper.map(cursor.next());
            }
        });
    }
}
