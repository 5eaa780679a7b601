package dev.covet.pg.copy;

import dev.covet.pg.testdb.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * A Vert.x pool on the shared test database, built here as the client layer would; for the tests of
 * COPY and of the socket under it ({@code dev.covet.pg.wire}).
 */
public abstract class CopyTestSupport {

    protected static final TestDatabase db = TestDatabase.shared();
    protected static Vertx vertx;

    private final List<Pool> pools = new ArrayList<>();

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() {
        await(vertx.close());
    }

    @AfterEach
    void closePools() {
        pools.forEach(p -> await(p.close()));
        pools.clear();
    }

    protected Pool pool(int size) {
        PgConnectOptions connect = new PgConnectOptions()
                .setHost(db.host())
                .setPort(db.port())
                .setDatabase(db.database())
                .setUser(db.user())
                .setPassword(db.password())
                .setCachePreparedStatements(true);
        Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(size)).connectingTo(connect).using(vertx).build();
        pools.add(pool);
        return pool;
    }

    /**
     * An open connection of the pool. Vert.x 4.5 can lend a connection whose close it has not
     * processed yet (one a COPY out closed a moment before); covetpg retries that case, these
     * protocol-level tests take another connection.
     */
    protected static SqlConnection connection(Pool pool) {
        for (int attempt = 0; ; attempt++) {
            SqlConnection connection = await(pool.getConnection());
            try {
                selectOne(connection);
                return connection;
            } catch (RuntimeException | AssertionError closed) { // await reports a failure as an AssertionError
                connection.close();
                if (attempt >= 3) {
                    throw closed;
                }
            }
        }
    }

    protected static int backendPid(SqlConnection connection) {
        return await(connection.query("SELECT pg_backend_pid()").execute()).iterator().next().getInteger(0);
    }

    protected static int selectOne(SqlConnection connection) {
        return await(connection.query("SELECT 1").execute()).iterator().next().getInteger(0);
    }

    protected static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("Vert.x operation failed: " + e, e);
        }
    }

    /** A table name unique to the calling test. */
    protected static String table(String prefix) {
        return prefix + "_" + Long.toHexString(System.nanoTime());
    }

    protected static long count(String table) {
        return ((Number) db.queryValue("SELECT count(*) FROM " + table)).longValue();
    }

    /** The server's error somewhere in the cause chain, or null. */
    protected static PgException pgCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof PgException pg) {
                return pg;
            }
        }
        return null;
    }
}
