package dev.covet.pg.tx;

import dev.covet.pg.client.PgClient;

/**
 * What a route transaction needs of the component whose pool it uses (the covetpg component is
 * one): the client that lends the connection, and the threads its steps continue on. The
 * transaction depends on this, not on the component, so that the two packages do not depend on
 * each other.
 */
public interface TransactionHost {

    /** The started component's pooled client. */
    PgClient client();

    /** Runs work that waits on the database, off the event loop that called and off the completion threads. */
    void runBlocking(Runnable task);

    /** Runs a route continuation on a completion thread, never on an event loop. */
    void runOnCompletionThread(Runnable task);

    /** Whether the calling thread is a completion thread, which must not wait for the database. */
    boolean onCompletionThread();

    /**
     * The exchange property the component's route transaction is kept under
     * ({@link RouteTransaction#propertyFor}), made once: every covetpg step of every exchange looks it up.
     */
    String transactionProperty();
}
