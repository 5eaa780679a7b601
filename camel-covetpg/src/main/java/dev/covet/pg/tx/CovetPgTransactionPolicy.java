package dev.covet.pg.tx;

import dev.covet.pg.client.PgClient;
import dev.covet.pg.client.PgSession;
import io.vertx.core.Context;
import io.vertx.core.Future;
import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.Component;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.spi.TransactedPolicy;
import org.apache.camel.support.processor.DelegateAsyncProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Camel's {@code transacted} for covetpg: every covetpg step of the exchange inside the block runs
 * in one PostgreSQL transaction on one pinned connection. It commits when the exchange completes
 * and rolls back when it fails, whichever step failed; the connection goes back to the pool in
 * both cases. A nested {@code transacted} joins the outer transaction.
 *
 * <p>Bind it in the registry and name it: {@code transacted("covetpgTx")} in Java,
 * {@code transacted: {ref: covetpgTx}} in YAML, {@code <transacted ref="covetpgTx"/>} in XML.
 */
public class CovetPgTransactionPolicy implements TransactedPolicy {

    private static final Logger LOG = LoggerFactory.getLogger(CovetPgTransactionPolicy.class);

    private String componentName = "covetpg";
    private IsolationLevel isolationLevel;
    private boolean readOnly;

    @Override
    public void beforeWrap(Route route, NamedNode definition) {
    }

    @Override
    public Processor wrap(Route route, Processor processor) {
        CamelContext context = route.getCamelContext();
        Component component = context.getComponent(componentName);
        if (!(component instanceof TransactionHost host)) {
            throw new IllegalArgumentException("The transaction policy's componentName '" + componentName + "' names no covetpg component");
        }
        return new TransactionProcessor(host, processor);
    }

    /** Runs the wrapped steps inside a transaction, or inside the one already open (nested). */
    private final class TransactionProcessor extends DelegateAsyncProcessor {
        private final TransactionHost component;
        /** BEGIN with the policy's isolation level and access mode, fixed when the route starts. */
        private final String begin;

        TransactionProcessor(TransactionHost component, Processor inner) {
            super(inner); // which also starts and stops the wrapped steps with the route
            this.component = component;
            this.begin = "BEGIN" + (isolationLevel == null ? "" : " ISOLATION LEVEL " + isolationLevel.sql()) + (readOnly ? " READ ONLY" : "");
        }

        @Override
        public boolean process(Exchange exchange, AsyncCallback callback) {
            if (RouteTransaction.current(exchange, component) != null) {
                return processor.process(exchange, callback); // nested: join the outer transaction
            }
            if (mayNotWaitHere()) {
                // A transaction's steps wait on the thread that runs it, for each answer: never on an
                // event loop, and not on one of the few completion threads, whose other exchanges'
                // answers would queue behind the whole transaction. The steps after the block continue
                // on a completion thread, as they would have: the blocking threads are for waiting work.
                AsyncCallback back = doneSync -> {
                    if (component.onCompletionThread()) {
                        callback.done(false);
                    } else {
                        component.runOnCompletionThread(() -> callback.done(false));
                    }
                };
                component.runBlocking(() -> start(exchange, back));
                return false;
            }
            return start(exchange, callback);
        }

        /** Starts the transaction and runs the wrapped steps in it, on this thread. */
        private boolean start(Exchange exchange, AsyncCallback callback) {
            PgSession session;
            try {
                // waits for nothing: the connection and its BEGIN come while this thread runs the first
                // steps. The BEGIN is one of ours, which fails only with its connection (or, SERIALIZABLE,
                // on a standby, where nothing can write): the first statement may travel with it.
                PgClient client = component.client();
                session = client.openTransaction(begin, true, client.settings().commandTimeout());
            } catch (RuntimeException e) {
                exchange.setException(e);
                callback.done(true);
                return true;
            }
            RouteTransaction.bind(exchange, component, session);
            boolean wasTransacted = exchange.isTransacted(); // by another transaction manager, which keeps it
            exchange.getExchangeExtension().setTransacted(true);
            Thread starter = Thread.currentThread();
            // false only while the component stops: its threads then refuse work, which runs where it was handed over
            boolean starterWaits = !mayNotWaitHere();
            boolean sync = processor.process(exchange, doneSync -> {
                if (doneSync || (Thread.currentThread() == starter && starterWaits)) {
                    // On the thread that started the transaction (not a completion thread, see above):
                    // Camel runs a transacted exchange's steps on it, and may report the end as asynchronous
                    // even so (the end then comes from the thread's reactive queue, after process returned).
                    // Ending here spares the COMMIT's answer a hand-off to a completion thread and back. (The
                    // end is bounded by commandTimeout, and never fails: failures land on the exchange.)
                    end(exchange, session, wasTransacted).toCompletionStage().toCompletableFuture().join();
                    callback.done(doneSync);
                    return;
                }
                // On a completion thread: the COMMIT must not hold it for a round trip, since the
                // answers of other exchanges queue for these few threads. Off an event loop first:
                // closing what uses the transaction (a COPY, a cursor) may wait.
                Runnable end = () -> end(exchange, session, wasTransacted).onComplete(v -> component.runOnCompletionThread(() -> callback.done(false)));
                if (Context.isOnEventLoopThread()) {
                    component.runBlocking(end);
                } else {
                    end.run();
                }
            });
            return sync;
        }

        /** Whether this thread must not wait for the database: an event loop, or one of the few completion threads. */
        private boolean mayNotWaitHere() {
            return Context.isOnEventLoopThread() || component.onCompletionThread();
        }

        /** Commit or roll back without waiting, then give the connection back; the future never fails. */
        private Future<Void> end(Exchange exchange, PgSession session, boolean wasTransacted) {
            RouteTransaction.unbind(exchange, component);
            if (!wasTransacted) {
                // the steps after the block are not in a transaction: covetpg's then answer asynchronously
                // again, instead of waiting for their answer on whatever thread continues the route
                exchange.getExchangeExtension().setTransacted(false);
            }
            boolean rollback = exchange.isFailed() || exchange.isRollbackOnly();
            Future<Void> ended;
            try {
                ended = rollback ? session.rollbackAsync() : session.commitAsync();
            } catch (RuntimeException e) {
                ended = Future.failedFuture(e);
            }
            return ended.transform(ar -> {
                if (ar.failed() && exchange.getException() == null) {
                    exchange.setException(ar.cause()); // the commit failed: the exchange did not do what it says
                } else if (ar.failed()) {
                    LOG.warn("Rolling back the covetpg transaction failed after the exchange failed: {}", ar.cause().getMessage());
                }
                session.close();
                return Future.succeededFuture();
            });
        }
    }

    public String getComponentName() {
        return componentName;
    }

    /** The covetpg component (by name) whose connection the transaction pins; default covetpg. */
    public void setComponentName(String componentName) {
        this.componentName = componentName;
    }

    public IsolationLevel getIsolationLevel() {
        return isolationLevel;
    }

    /** The transaction's isolation level; null (default) keeps the server's default_transaction_isolation. */
    public void setIsolationLevel(IsolationLevel isolationLevel) {
        this.isolationLevel = isolationLevel;
    }

    public boolean isReadOnly() {
        return readOnly;
    }

    /** A READ ONLY transaction. */
    public void setReadOnly(boolean readOnly) {
        this.readOnly = readOnly;
    }
}
