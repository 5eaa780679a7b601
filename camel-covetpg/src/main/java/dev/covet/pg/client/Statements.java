package dev.covet.pg.client;

import dev.covet.pg.wire.BoundParameters;
import dev.covet.pg.wire.StatementCache;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;
import java.util.function.Supplier;

/**
 * Runs a prepared statement with {@link BoundParameters} on one connection, and keeps the
 * driver's statement cache from running it with stale types:
 *
 * <ul>
 *   <li>When a parameter does not fit the type the statement declares, nothing has been sent. The
 *       cached statement may predate an {@code ALTER ... TYPE} (the server keeps a statement's
 *       parameter types as they were when it was prepared), so it is forgotten and prepared
 *       again, once, with the types the server has now. A parameter that still does not fit fails
 *       with {@link BoundParameters#failure()}'s message, which names no value.</li>
 *   <li>A cached statement whose parameter type no longer fits where it is used fails with 42804
 *       or 42883 (a value that fit the old type, so nothing failed before sending): in autocommit
 *       it is forgotten and prepared again, once.</li>
 *   <li>A cached plan whose result type changed fails with SQLSTATE 0A000, and the driver forgets
 *       the statement. In autocommit the failed statement did nothing, so it runs again, once;
 *       inside a transaction the transaction is lost and the failure goes to the caller (the next
 *       use prepares the statement anew).</li>
 * </ul>
 */
final class Statements {

    private Statements() {
    }

    /** A parameter that cannot be bound as the statement's declared type: its message names no value. */
    static final class ParameterException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ParameterException(String message) {
            super(message, null, false, false);
        }
    }

    /** Runs the statement once with {@code params}; {@code autocommit} when no transaction is open on the connection. */
    static Future<RowSet<Row>> execute(SqlConnection connection, String sql, BoundParameters params, boolean autocommit) {
        return run(connection, sql, List.of(params), autocommit, () -> connection.preparedQuery(sql).execute(params));
    }

    /** Runs the statement once per parameter set, pipelined, one Sync for all. */
    static Future<RowSet<Row>> executeBatch(SqlConnection connection, String sql, List<BoundParameters> sets, boolean autocommit) {
        return run(connection, sql, sets, autocommit, () -> connection.preparedQuery(sql).executeBatch(List.copyOf(sets)));
    }

    /**
     * Runs {@code statement}, which runs {@code sql} with {@code sets} (with whatever it needs
     * around it), again when the rules above allow.
     */
    static Future<RowSet<Row>> run(SqlConnection connection, String sql, List<BoundParameters> sets, boolean autocommit,
                                   Supplier<Future<RowSet<Row>>> statement) {
        return statement.get().recover(failure -> {
            if (parameterFailure(sets) != null) {
                StatementCache.evict(connection, sql);
                sets.forEach(BoundParameters::reset);
                return statement.get().recover(again -> {
                    String why = parameterFailure(sets);
                    return Future.failedFuture(why != null ? new ParameterException(why) : again);
                });
            }
            if (autocommit && isStalePlan(failure)) {
                return statement.get();
            }
            if (autocommit && isStaleParameterType(failure)) {
                // the cached statement declares a parameter as the column's old type, and the value fit it
                StatementCache.evict(connection, sql);
                sets.forEach(BoundParameters::reset);
                return statement.get();
            }
            return Future.failedFuture(failure);
        });
    }

    private static String parameterFailure(List<BoundParameters> sets) {
        for (BoundParameters set : sets) {
            String why = set.failure();
            if (why != null) {
                return why;
            }
        }
        return null;
    }

    /**
     * The server refusing a parameter's declared type where the statement uses it (42804
     * datatype_mismatch, 42883 no such operator): after an ALTER ... TYPE, a cached statement still
     * declares the old type. In autocommit the failed statement did nothing: it is prepared anew
     * and runs once more (a statement that is simply wrong then fails the same way).
     */
    static boolean isStaleParameterType(Throwable failure) {
        return failure instanceof PgException pg && ("42804".equals(pg.getSqlState()) || "42883".equals(pg.getSqlState()));
    }

    /** The server's word that a cached plan's result type changed (the driver then forgets the statement). */
    static boolean isStalePlan(Throwable failure) {
        return failure instanceof PgException pg && "0A000".equals(pg.getSqlState())
                && "cached plan must not change result type".equals(pg.getErrorMessage());
    }
}
