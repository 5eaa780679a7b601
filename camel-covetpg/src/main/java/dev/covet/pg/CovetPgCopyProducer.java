package dev.covet.pg;

import dev.covet.pg.client.CovetPgException;
import dev.covet.pg.client.PgSession;
import dev.covet.pg.copy.CopyFailedException;
import dev.covet.pg.copy.CopyFormat;
import dev.covet.pg.copy.CopyIn;
import dev.covet.pg.copy.CopyInStream;
import dev.covet.pg.copy.CopyOut;
import dev.covet.pg.copy.CopyOutStream;
import dev.covet.pg.wire.SocketAccess;
import dev.covet.pg.copy.RowEncoder;
import dev.covet.pg.sql.Identifiers;
import java.io.File;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.Exchange;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * {@code covetpg:copy}: COPY FROM STDIN of the body (rows encoded here, or bytes passed
 * through), or COPY TO STDOUT into the body as a lazily read InputStream. Runs on the component's
 * own pooled connections through the protocol extension in package {@code copy}.
 *
 * <p>The body is read on the calling route thread, which the socket's back-pressure slows down,
 * so a body of any size streams in bounded memory.
 */
public class CovetPgCopyProducer extends BulkProducer {

    private static final java.util.regex.Pattern FROM_STDIN = java.util.regex.Pattern.compile("(?is)^\\s*COPY\\b.*\\bFROM\\s+STDIN\\b");
    private static final java.util.regex.Pattern TO_STDOUT = java.util.regex.Pattern.compile("(?is)^\\s*COPY\\b.*\\bTO\\s+STDOUT\\b");

    private boolean out;
    private String table;
    private List<String> columns;
    private RowValues rows;
    /** The upserting COPY's staging table, a temporary table of the load's transaction. */
    static final String STAGING_TABLE = "covetpg_upsert_staging";
    private static final String NEW_ROWS_SAVEPOINT = "covetpg_new_rows";
    /** The upsert of a table load; null for a plain COPY. */
    private dev.covet.pg.client.OnConflict conflict;
    private volatile boolean supportChecked;

    public CovetPgCopyProducer(CovetPgEndpoint endpoint) {
        super(endpoint);
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        CovetPgEndpoint e = getEndpoint();
        boolean hasSql = targetIsSql("either sql (a whole COPY statement) or table (and optionally columns)");
        String direction = e.getDirection() != null ? e.getDirection() : hasSql ? directionOf(e.getSql()) : "in";
        out = switch (direction) {
            case "in" -> false;
            case "out" -> true;
            default -> throw new IllegalArgumentException("Invalid direction '" + direction + "': allowed values are in, out");
        };
        if (hasSql && dev.covet.pg.sql.NamedParameters.parse(e.getSql()).semicolon() == dev.covet.pg.sql.ParsedSql.SEVERAL_STATEMENTS) {
            throw new IllegalArgumentException("Invalid sql: a COPY must be one statement, with nothing after a ';'");
        }
        if (hasSql && !direction.equals(directionOf(e.getSql()))) {
            throw new IllegalArgumentException("direction=" + direction + " contradicts the sql, which is a COPY " + directionOf(e.getSql()));
        }
        conflict = dev.covet.pg.client.OnConflict.of(e.getConflictColumns(), e.getOnConflict());
        if (conflict != null && (hasSql || out)) {
            throw new IllegalArgumentException("conflictColumns and onConflict upsert rows copied into a table: they need table and"
                    + " direction=in (a COPY with sql cannot say ON CONFLICT)");
        }
        if (!hasSql) {
            table = Identifiers.table(e.getTable(), "table");
            columns = e.getColumns() == null || e.getColumns().isBlank() ? null : Identifiers.columns(e.getColumns(), "columns");
        }
        rows = new RowValues(PluginHelper.getBeanIntrospection(e.getCamelContext()));
        if (out) {
            excludeFromStreamCaching(e.getCamelContext().getStreamCachingStrategy());
        }
    }

    /**
     * Camel caches stream bodies by default, which would read the whole COPY output into a cache
     * right after this step and defeat lazy reading; so this one stream type is kept out of it.
     */
    private static synchronized void excludeFromStreamCaching(org.apache.camel.spi.StreamCachingStrategy strategy) {
        java.util.Collection<Class<?>> denied = strategy.getDenyClasses();
        if (denied == null || !denied.contains(SessionStream.class)) {
            java.util.List<Class<?>> all = new java.util.ArrayList<>(denied == null ? List.of() : denied);
            all.add(SessionStream.class);
            strategy.setDenyClasses(all.toArray(Class<?>[]::new));
        }
    }

    /** in for COPY ... FROM STDIN, out for COPY ... TO STDOUT; anything else is not for this endpoint. */
    private static String directionOf(String sql) {
        if (FROM_STDIN.matcher(sql).find()) {
            return "in";
        }
        if (TO_STDOUT.matcher(sql).find()) {
            return "out";
        }
        throw new IllegalArgumentException("Invalid sql for covetpg:copy: it must be a COPY ... FROM STDIN or COPY ... TO STDOUT statement: " + sql);
    }

    @Override
    protected boolean ownTransaction() {
        return true; // copy in runs in a transaction of its own (see run), copy out only reads
    }

    @Override
    protected void run(Exchange exchange) throws Exception {
        PgSession transaction = transaction(exchange);
        PgSession session = transaction != null ? transaction : openSession(out);
        session.limitStatements(options.ownQueryTimeout());
        boolean handedOver = false;
        try {
            if (!supportChecked) {
                SocketAccess.check(session.connection());
                supportChecked = true;
            }
            if (out) {
                copyOut(exchange, session, transaction == null);
                handedOver = true; // the body's stream gives it back
            } else if (transaction == null) {
                // a transaction of its own: a connection lost before COMMIT then provably wrote nothing,
                // so the COPY can run again; one lost during COMMIT is reported as of unknown outcome
                session.begin();
                long copied = copyIn(exchange, session);
                session.commit();
                exchange.getMessage().setHeader(CovetPgConstants.COPY_COUNT, copied);
            } else {
                exchange.getMessage().setHeader(CovetPgConstants.COPY_COUNT, copyIn(exchange, session));
            }
        } finally {
            if (!handedOver && transaction == null) {
                session.close();
            } else if (!handedOver) {
                session.unlimitStatements();
            }
        }
    }

    private long copyIn(Exchange exchange, PgSession session) throws IOException {
        TableColumns target = table == null ? null : TableColumns.resolve(session, table, columns);
        if (conflict == null) {
            return copyIn(exchange, session, target, target == null ? null : target.table());
        }
        // An upsert: COPY into a staging table of the same columns and types, then one INSERT ... SELECT
        // ... ON CONFLICT, all in the load's transaction (which drops the staging table when it ends).
        // One name, covetpg's own: a session runs one COPY at a time, and the INSERT's text stays the
        // same from load to load, so its prepared statement is cached once, not once per load.
        String staging = STAGING_TABLE;
        String list = String.join(", ", target.columns());
        // ON COMMIT DROP: it ends with the transaction, so the connection is lent again afterwards (SessionChanges)
        session.query("CREATE TEMP TABLE " + staging + " ON COMMIT DROP AS SELECT " + list + " FROM " + target.table() + " WITH NO DATA",
                List.of());
        long copied = copyIn(exchange, session, target, staging);
        // OVERRIDING SYSTEM VALUE: COPY writes the values given for an identity column, and so does the upsert
        String insert = "INSERT INTO " + target.table() + " (" + list + ") OVERRIDING SYSTEM VALUE SELECT " + list + " FROM " + staging;
        dev.covet.pg.client.OnConflict.Written written = insertNewRows(session, insert);
        if (written == null) {
            written = dev.covet.pg.client.OnConflict.run(session, dev.covet.pg.client.OnConflict.counting(insert
                    + conflict.clause(target.columns())), List.of());
        }
        session.query("DROP TABLE " + staging, List.of()); // a route transaction may go on
        exchange.getMessage().setHeader(CovetPgConstants.INSERTED_COUNT, written.inserted());
        exchange.getMessage().setHeader(CovetPgConstants.UPDATED_COUNT, written.updated());
        return copied;
    }

    /**
     * The staged rows as a plain INSERT, under a savepoint; null (and nothing written) when one of
     * them is already in the table (23505, or 23P01 for an exclusion constraint). ON CONFLICT's speculative insertion costs about as much
     * again as the insert itself, and a load of new rows does not need it: it gets a plain insert's
     * speed, and a load that meets a conflict pays for the part of the plain insert it got through
     * before the upsert runs. A row another transaction inserts meanwhile fails the plain insert
     * too, and the upsert then handles it as usual. Sent on the connection itself: a 23505 here is
     * not a failed operation, and must not count as one in the metrics or the slow-query log.
     */
    private static dev.covet.pg.client.OnConflict.Written insertNewRows(PgSession session, String insert) {
        session.connection().query("SAVEPOINT " + NEW_ROWS_SAVEPOINT).execute(); // pipelined with the insert
        long inserted;
        try {
            inserted = session.await(session.connection().query(insert).execute(), "inserting the loaded rows").rowCount();
        } catch (CovetPgException e) {
            // 23505 a unique key, 23P01 an exclusion constraint (which onConflict=nothing without conflictColumns skips too)
            if (!"23505".equals(e.getSqlState()) && !"23P01".equals(e.getSqlState())) {
                throw e;
            }
            session.await(session.connection().query("ROLLBACK TO SAVEPOINT " + NEW_ROWS_SAVEPOINT).execute(), "undoing the plain insert");
            return null;
        }
        session.connection().query("RELEASE SAVEPOINT " + NEW_ROWS_SAVEPOINT).execute(); // pipelined with what follows
        return new dev.covet.pg.client.OnConflict.Written(inserted, 0);
    }

    /** COPY FROM STDIN of the body into {@code into} (the table, or the upsert's staging table; null with sql). */
    private long copyIn(Exchange exchange, PgSession session, TableColumns target, String into) throws IOException {
        CovetPgEndpoint e = getEndpoint();
        Object body = exchange.getMessage().getBody();
        String sql = target == null ? e.getSql()
                : "COPY " + into + " (" + String.join(", ", target.columns()) + ") FROM STDIN (FORMAT " + e.getFormat() + ")";
        InputStream bytes = encodedBytes(body);
        if (bytes == null && target == null && e.getFormat() == CopyFormat.binary) {
            throw new IllegalArgumentException("covetpg:copy with sql cannot encode rows in binary (it needs the column types): use table and columns");
        }
        RowEncoder encoder = bytes == null ? RowEncoder.of(e.getFormat(), target == null ? List.of() : target.names(),
                target == null ? List.of() : target.types()) : null;
        // timed from the statement to the server's completion, reading the body included: that is what holds the connection
        long started = System.nanoTime();
        long copied = 0;
        boolean succeeded = false;
        try (CopyInStream stream = start(session, sql)) {
            if (bytes != null) {
                try (InputStream in = bytes) {
                    transfer(in, stream);
                }
            } else {
                writeRows(BodyItems.of(body), target, encoder, stream);
            }
            copied = stream.finish();
            succeeded = true;
            return copied;
        } catch (CopyFailedException failed) {
            throw translate(session, failed, sql);
        } finally {
            session.copyFinished(true, sql, System.nanoTime() - started, copied, succeeded);
        }
    }

    private CopyInStream start(PgSession session, String sql) throws IOException {
        try {
            return CopyIn.start(session.connection(), sql);
        } catch (CopyFailedException failed) {
            throw translate(session, failed, sql);
        }
    }

    private void writeRows(Iterator<?> items, TableColumns target, RowEncoder encoder, CopyInStream stream) throws IOException {
        long index = 0;
        encoder.header();
        try {
            while (items.hasNext()) {
                Object item = items.next();
                List<Object> values = target == null ? BodyItems.positional(item, index) : rows.read(item, index, target.names());
                encoder.row(values);
                index++;
                if (encoder.buffered() >= RowEncoder.DRAIN_AT) {
                    encoder.drainTo(stream);
                    if (!isRunAllowed()) {
                        throw new IllegalStateException("the route is stopping");
                    }
                }
            }
            encoder.trailer();
            encoder.drainTo(stream);
        } catch (RuntimeException bad) {
            // the body failed, not the server: fail the COPY so that none of its rows stay. The reason
            // goes into the server's log: covetpg's own words (which name no value) or the failure's type
            String why = bad instanceof IllegalArgumentException ? bad.getMessage() : "the body's " + bad.getClass().getName();
            String reason = "row " + index + " of the body: " + why;
            stream.abort(reason);
            throw new IllegalArgumentException("COPY aborted at " + reason + "; nothing was copied", bad);
        }
    }

    /**
     * Copies the body's bytes into the COPY. A failure to read the body is the body's, not the
     * server's: it fails the COPY (none of it stays) and reaches the route as an
     * IllegalArgumentException, as a failing row iterator does, with the body's exception as its
     * cause; its message names only the exception's type, which is all the server's log gets too.
     */
    private static void transfer(InputStream in, CopyInStream stream) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long read = 0;
        while (true) {
            int n;
            try {
                n = in.read(buffer);
            } catch (IOException | RuntimeException bad) {
                String reason = "reading the body after " + read + " bytes: the body's " + bad.getClass().getName();
                stream.abort(reason);
                throw new IllegalArgumentException("COPY aborted " + reason + "; nothing was copied", bad);
            }
            if (n < 0) {
                return;
            }
            stream.write(buffer, 0, n);
            read += n;
        }
    }

    /** Bytes already in the COPY format, when the body is such; null when the body holds rows. */
    private static InputStream encodedBytes(Object body) throws IOException {
        if (body instanceof InputStream in) {
            return in;
        }
        if (body instanceof byte[] b) {
            return new java.io.ByteArrayInputStream(b);
        }
        if (body instanceof String s) {
            return new java.io.ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
        }
        if (body instanceof File f) {
            return Files.newInputStream(f.toPath());
        }
        if (body instanceof Path p) {
            return Files.newInputStream(p);
        }
        if (body instanceof org.apache.camel.WrappedFile<?> wrapped && wrapped.getFile() != null) {
            return encodedBytes(wrapped.getFile()); // from("file:...") brings a GenericFile
        }
        return null;
    }

    /** @param ownSession whether the stream gives the session back when closed (not a route transaction's) */
    private void copyOut(Exchange exchange, PgSession session, boolean ownSession) throws IOException {
        CovetPgEndpoint e = getEndpoint();
        String sql;
        if (table != null) {
            String list = columns == null ? "" : " (" + String.join(", ", columns) + ")";
            sql = "COPY " + table + list + " TO STDOUT (FORMAT " + e.getFormat() + ")";
        } else {
            sql = e.getSql();
        }
        CopyOutStream stream;
        long started = System.nanoTime();
        boolean began = false;
        try {
            stream = CopyOut.start(session.connection(), sql);
            began = true;
        } catch (CopyFailedException failed) {
            throw translate(session, failed, sql);
        } finally {
            if (!began) {
                session.copyFinished(false, sql, System.nanoTime() - started, 0, false);
            }
        }
        SessionStream body = new SessionStream(stream, ownSession ? session : null, session, sql, started, getEndpoint().getComponent());
        if (!ownSession) {
            session.closeBeforeEnd(body); // read it inside the transacted block; whatever is left ends with it
        }
        // however the exchange ends, the connection goes back
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                body.close();
            }
        });
        exchange.getMessage().setBody(body);
    }

    private static CovetPgException translate(PgSession session, CopyFailedException failed, String sql) {
        Throwable cause = failed.getCause() != null ? failed.getCause() : failed;
        return session.translate(cause, "running [" + sql + "]");
    }

    /**
     * The COPY's output; closing it ends the COPY (if unread) and gives the connection back (unless
     * a route transaction holds it). The COPY is reported to the slow-query log and the metrics
     * when the reader reaches its end (or its failure), or when the stream is closed before that
     * (as failed: the COPY is cancelled then).
     */
    private static final class SessionStream extends FilterInputStream {
        private final CopyOutStream copy;
        private final PgSession session;
        private final PgSession reportTo;
        private final String sql;
        private final long started;
        private final AtomicBoolean closed = new AtomicBoolean();
        private final AtomicBoolean reported = new AtomicBoolean();

        private final CovetPgComponent component;

        /** @param session the session to close with the stream, or null (a route transaction's) */
        SessionStream(CopyOutStream in, PgSession session, PgSession reportTo, String sql, long started, CovetPgComponent component) {
            super(in);
            this.component = component;
            this.copy = in;
            this.session = session;
            this.reportTo = reportTo;
            this.sql = sql;
            this.started = started;
        }

        @Override
        public int read() throws IOException {
            try {
                int b = super.read();
                if (b < 0) {
                    report();
                }
                return b;
            } catch (CopyFailedException failed) {
                report();
                throw failure(failed);
            } catch (IOException | RuntimeException e) {
                report();
                throw e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                int n = super.read(b, off, len);
                if (n < 0) {
                    report();
                }
                return n;
            } catch (CopyFailedException failed) {
                report();
                throw failure(failed);
            } catch (IOException | RuntimeException e) {
                report();
                throw e;
            }
        }

        /**
         * The server failed the COPY while it was read: the reader gets an IOException (an
         * InputStream's contract) whose cause is the CovetPgException every other failure is,
         * SQLSTATE and DETAIL kept, and whose message holds no row's values.
         */
        private IOException failure(CopyFailedException failed) {
            CovetPgException e = translate(reportTo, failed, sql);
            return new IOException(e.getMessage(), e);
        }

        private void report() {
            if (reported.compareAndSet(false, true)) {
                long rows = copy.rowCount(); // -1 unless the server completed the COPY
                reportTo.copyFinished(false, sql, System.nanoTime() - started, Math.max(0, rows), rows >= 0);
            }
        }

        @Override
        public void close() {
            if (io.vertx.core.Context.isOnEventLoopThread() && !closed.get()) {
                // an exchange that completes on an event loop (a Vert.x HTTP consumer's, say): closing
                // early waits for the server to end the COPY, which an event loop must not do
                component.runBlocking(this::close);
                return;
            }
            if (closed.compareAndSet(false, true)) {
                report();
                try {
                    in.close();
                } catch (IOException | RuntimeException e) {
                    // the session below still goes back; a broken connection is dropped by the pool
                } finally {
                    if (session != null) {
                        session.close();
                    } else {
                        reportTo.unlimitStatements(); // a route transaction's: its later statements take the default again
                    }
                }
            }
        }
    }
}
