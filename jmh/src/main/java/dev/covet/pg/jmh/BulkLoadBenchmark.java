package dev.covet.pg.jmh;

import dev.covet.pg.CovetPgComponent;
import dev.covet.pg.CovetPgConstants;
import dev.covet.pg.testdb.TestDatabase;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;
import org.postgresql.PGConnection;

/**
 * Bulk loading of narrow rows {@code (id int, v int)} into one table, by covetpg and by its peers,
 * against the same server ({@link TestDatabase}: {@code COVETPG_TEST_URL}, else Testcontainers,
 * else embedded PostgreSQL 17) with the same settings: TLS off for every client, one connection,
 * one transaction per load.
 *
 * <p>COPY contenders load {@code copyRows} rows per invocation ({@value #COPY_ROWS} unless
 * {@code -p copyRows=..}; the CI smoke uses a few thousand):
 * <ul>
 *   <li>{@code copyTextRows}, {@code copyBinaryRows}: {@code covetpg:copy} of a lazily generated
 *       {@code Iterator<List<Object>>}, so covetpg's encoding is measured;</li>
 *   <li>{@code copyTextBytes}: {@code covetpg:copy} of the same rows already in COPY text format
 *       (a {@code byte[]} built once): the pass-through ceiling; {@code copyTextStream}: the same
 *       bytes as an {@code InputStream} that hands them out 8 KiB at a time, as a file would;</li>
 *   <li>{@code pgjdbcCopyManager}: pgjdbc's {@code CopyManager.copyIn} of the same bytes;</li>
 *   <li>{@code psqlCopy}: {@code psql \copy} of the same bytes from a temporary file, including
 *       psql's start-up and connection, which {@code psqlStartup} measures on its own.</li>
 * </ul>
 * Upserting loads, into a table keyed by {@code id} (new rows): {@code copyTextRowsUpsert}
 * ({@code covetpg:copy?conflictColumns=id&onConflict=update}) against {@code copyTextRowsKeyed},
 * the plain COPY into the same table, and {@code pgjdbcUpsert}, the usual hand-written way in one
 * transaction: {@code CREATE TEMP TABLE .. ON COMMIT DROP}, {@code CopyManager.copyIn} of the
 * bytes into it, {@code INSERT .. SELECT .. ON CONFLICT (id) DO UPDATE}.
 * Batch contenders insert {@code copyRows / 10} rows per invocation ({@value #BATCH_ROWS} by default), {@value #BATCH_SIZE} per round
 * trip, all in one transaction:
 * <ul>
 *   <li>{@code batchUnnest}: {@code covetpg:batch?table=..&columns=..} (one
 *       {@code INSERT .. SELECT FROM unnest(..)} per chunk);</li>
 *   <li>{@code batchExecuteBatch}: {@code covetpg:batch?sql=INSERT .. VALUES ($1, $2)} (one
 *       Bind/Execute per row, a chunk pipelined with one Sync);</li>
 *   <li>{@code pgjdbcBatchRewrite}: pgjdbc {@code executeBatch} with
 *       {@code reWriteBatchedInserts=true}, the usual JDBC peer.</li>
 * </ul>
 *
 * <p>Each invocation is one load, timed alone ({@link Mode#SingleShotTime}); the table is
 * truncated and a checkpoint taken before each, outside the timed part. The table is a plain
 * (logged) table unless {@code -p unlogged=true}. Rows per second = rows / score.
 * Quick run: {@code java -jar jmh/target/covetpg-jmh.jar BulkLoad -f 1 -wi 0 -i 1}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 10)
@Fork(1)
public class BulkLoadBenchmark {

    static final int COPY_ROWS = 1_000_000;
    static final int BATCH_ROWS = 100_000;
    static final int BATCH_SIZE = 1000;
    static final String TABLE = "covetpg_bulk_load";
    /** The same columns with a primary key, for the upserting load and the plain COPY it is compared with. */
    static final String KEYED_TABLE = "covetpg_bulk_keyed";

    /** The rows' shape ({@link TestRows}): narrow {@code (id int, v int)} or mixed {@code (id bigint, name text, amount numeric)}. */
    @Param("NARROW")
    String shape;

    private TestRows rows;

    // the statements and URIs of this trial's shape, made once at set-up
    private String copySql;
    private String insertSql;
    private String copyTextUri;
    private String copyBinaryUri;
    private String batchUnnestUri;
    private String batchSqlUri;
    private String copyKeyedUri;
    private String copyUpsertUri;
    private String upsertSql;

    /** Rows per COPY load; the batch contenders load a tenth of it. */
    @Param("" + COPY_ROWS)
    int copyRows;

    private int batchRows;

    /** true: an UNLOGGED table (no WAL written for its rows); false: a plain table. */
    @Param("false")
    boolean unlogged;

    private TestDatabase db;
    private CamelContext camel;
    private ProducerTemplate template;
    private Connection jdbc;
    private Connection jdbcRewrite;
    private byte[] textBytes;
    private Path textFile;
    private String psql;
    private int expectedRows;
    /** CPU of the measured loads alone, and the rows they loaded: the "# cpu" line at the trial's end. */
    private final SystemCpu systemCpu = new SystemCpu();
    private boolean measuring;
    private long measuredRows;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        db = TestDatabase.shared();
        rows = TestRows.valueOf(shape);
        batchRows = copyRows / 10;
        db.execute("DROP TABLE IF EXISTS " + TABLE, "DROP TABLE IF EXISTS " + KEYED_TABLE,
                "CREATE " + (unlogged ? "UNLOGGED " : "") + "TABLE " + TABLE + " (" + rows.definitions + ")",
                "CREATE " + (unlogged ? "UNLOGGED " : "") + "TABLE " + KEYED_TABLE + " (" + rows.definitions + ", PRIMARY KEY (id))");
        String placeholders = String.join(", ", IntStream.rangeClosed(1, rows.columnCount()).mapToObj(i -> "$" + i).toList());
        copySql = "COPY " + TABLE + " (" + rows.columns + ") FROM STDIN";
        insertSql = "INSERT INTO " + TABLE + " (" + rows.columns + ") VALUES (" + placeholders + ")";
        copyTextUri = "covetpg:copy?table=" + TABLE + "&columns=" + rows.columns + "&format=text";
        copyBinaryUri = "covetpg:copy?table=" + TABLE + "&columns=" + rows.columns + "&format=binary";
        batchUnnestUri = "covetpg:batch?table=" + TABLE + "&columns=" + rows.columns + "&batchSize=" + BATCH_SIZE;
        batchSqlUri = "covetpg:batch?batchSize=" + BATCH_SIZE + "&sql=" + insertSql;
        copyKeyedUri = "covetpg:copy?table=" + KEYED_TABLE + "&columns=" + rows.columns + "&format=text";
        copyUpsertUri = copyKeyedUri + "&conflictColumns=id&onConflict=update";
        String updates = Arrays.stream(rows.columns.split(",")).map(String::trim).filter(c -> !c.equals("id"))
                .map(c -> c + " = EXCLUDED." + c).collect(Collectors.joining(", "));
        upsertSql = "INSERT INTO " + KEYED_TABLE + " (" + rows.columns + ") SELECT " + rows.columns + " FROM covetpg_bulk_staging"
                + " ON CONFLICT (id) DO UPDATE SET " + updates;

        CovetPgComponent covetpg = Contenders.covetpg(db, 1, 2);
        camel = new DefaultCamelContext();
        camel.addComponent("covetpg", covetpg);
        camel.start();
        template = camel.createProducerTemplate();

        jdbc = connect(false);
        jdbcRewrite = connect(true);

        textBytes = rows.textFormat(copyRows);
        textFile = Files.createTempFile("covetpg-bulk-load", ".tsv");
        Files.write(textFile, textBytes);
        psql = findPsql();

        System.out.println();
        System.out.println("# server: " + db + ", " + db.queryValue("SELECT version()"));
        System.out.println("# settings: fsync=" + db.queryValue("SHOW fsync")
                + " synchronous_commit=" + db.queryValue("SHOW synchronous_commit")
                + " wal_level=" + db.queryValue("SHOW wal_level")
                + " shared_buffers=" + db.queryValue("SHOW shared_buffers")
                + " max_wal_size=" + db.queryValue("SHOW max_wal_size")
                + " ssl=" + db.queryValue("SHOW ssl")
                + "; table " + TABLE + " (" + rows.definitions + ")" + (unlogged ? " UNLOGGED" : " logged")
                + "; " + textBytes.length + " bytes of COPY text for " + copyRows + " rows"
                + "; psql: " + (psql == null ? "not found" : psql));
    }

    @Setup(Level.Iteration)
    public void emptyTable(IterationParams params) throws SQLException {
        try (Statement st = jdbc.createStatement()) {
            st.execute("TRUNCATE " + TABLE + ", " + KEYED_TABLE);
            try {
                // start every load with a clean WAL state, so a checkpoint does not land in one contender only
                st.execute("CHECKPOINT");
            } catch (SQLException notAllowed) {
                // CHECKPOINT needs superuser or pg_checkpoint; the load is still valid without it
            }
        }
        expectedRows = -1;
        measuring = params.getType() == IterationType.MEASUREMENT;
        systemCpu.recording(measuring);
    }

    @TearDown(Level.Iteration)
    public void checkRowCount() {
        systemCpu.recording(false);
        if (measuring && expectedRows > 0) {
            measuredRows += expectedRows;
        }
        // each contender loads one of the two tables
        Object count = db.queryValue("SELECT (SELECT count(*) FROM " + TABLE + ") + (SELECT count(*) FROM " + KEYED_TABLE + ")");
        if (expectedRows >= 0 && ((Number) count).intValue() != expectedRows) {
            throw new IllegalStateException("the table holds " + count + " rows after the load, expected " + expectedRows);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown(BenchmarkParams params) throws Exception {
        // per 1,000 rows; psql's own CPU is not the client's (a child process): read the machine's for it
        System.out.println("# cpu " + Contenders.name(params) + " per 1000 rows (an operation here) over " + measuredRows + " rows: "
                + systemCpu.summary(measuredRows / 1000));
        closeQuietly(jdbc);
        closeQuietly(jdbcRewrite);
        if (template != null) {
            template.stop();
        }
        if (camel != null) {
            camel.stop();
        }
        if (textFile != null) {
            Files.deleteIfExists(textFile);
        }
        db.execute("DROP TABLE IF EXISTS " + TABLE, "DROP TABLE IF EXISTS " + KEYED_TABLE);
    }

    // ---- COPY, 1,000,000 rows ----

    @Benchmark
    public Object copyTextRows() {
        return covetpgCopy(copyTextUri, rows.lists(copyRows));
    }

    @Benchmark
    public Object copyBinaryRows() {
        return covetpgCopy(copyBinaryUri, rows.lists(copyRows));
    }

    /** A plain COPY into the keyed table: what {@link #copyTextRowsUpsert} is compared with. */
    @Benchmark
    public Object copyTextRowsKeyed() {
        return covetpgCopy(copyKeyedUri, rows.lists(copyRows));
    }

    /** An upserting COPY of new rows (staging table, then INSERT ... ON CONFLICT DO UPDATE) into the keyed table. */
    @Benchmark
    public Object copyTextRowsUpsert() {
        return covetpgCopy(copyUpsertUri, rows.lists(copyRows));
    }

    @Benchmark
    public Object copyTextBytes() {
        return covetpgCopy(copyTextUri, textBytes);
    }

    /** The same bytes as an InputStream read 8 KiB at a time, as a File or socket body would be. */
    @Benchmark
    public Object copyTextStream() {
        return covetpgCopy(copyTextUri, new ChunkedInputStream(textBytes));
    }

    @Benchmark
    public long pgjdbcCopyManager() throws SQLException, IOException {
        long copied = jdbc.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql, new ByteArrayInputStream(textBytes));
        return expect(copied, copyRows, "pgjdbc CopyManager");
    }

    /** The hand-written upsert on pgjdbc: a staging table, COPY into it, one INSERT .. ON CONFLICT, one transaction. */
    @Benchmark
    public long pgjdbcUpsert() throws SQLException, IOException {
        // jdbcRewrite is the connection outside autocommit; the staging table goes with the COMMIT
        try (Statement st = jdbcRewrite.createStatement()) {
            st.execute("CREATE TEMP TABLE covetpg_bulk_staging (LIKE " + KEYED_TABLE + ") ON COMMIT DROP");
            long copied = jdbcRewrite.unwrap(PGConnection.class).getCopyAPI()
                    .copyIn("COPY covetpg_bulk_staging (" + rows.columns + ") FROM STDIN", new ByteArrayInputStream(textBytes));
            int written = st.executeUpdate(upsertSql);
            jdbcRewrite.commit();
            expect(copied, copyRows, "pgjdbc upsert's COPY");
            return expect(written, copyRows, "pgjdbc upsert");
        } catch (SQLException | IOException e) {
            jdbcRewrite.rollback();
            throw e;
        }
    }

    @Benchmark
    public int psqlCopy() throws IOException, InterruptedException {
        runPsql("\\copy " + TABLE + " (" + rows.columns + ") FROM '" + textFile + "'");
        expectedRows = copyRows;
        return copyRows;
    }

    /** psql's start-up, connection and one trivial statement: what {@link #psqlCopy} pays besides the COPY. */
    @Benchmark
    public int psqlStartup() throws IOException, InterruptedException {
        runPsql("SELECT 1");
        return 1;
    }

    // ---- batch INSERT, 100,000 rows ----

    @Benchmark
    public Object batchUnnest() {
        return covetpgBatch(batchUnnestUri);
    }

    @Benchmark
    public Object batchExecuteBatch() {
        return covetpgBatch(batchSqlUri);
    }

    @Benchmark
    public int pgjdbcBatchRewrite() throws SQLException {
        int written = 0;
        try (PreparedStatement ps = jdbcRewrite.prepareStatement(insertSql.replaceAll("\\$\\d+", "?"))) {
            for (int i = 1; i <= batchRows; i++) {
                List<Object> row = rows.row(i);
                for (int c = 0; c < row.size(); c++) {
                    ps.setObject(c + 1, row.get(c));
                }
                ps.addBatch();
                if (i % BATCH_SIZE == 0 || i == batchRows) {
                    for (int n : ps.executeBatch()) {
                        // rewritten batches answer SUCCESS_NO_INFO (-2) per row
                        written += n == Statement.SUCCESS_NO_INFO ? 1 : n;
                    }
                }
            }
            jdbcRewrite.commit();
        } catch (SQLException e) {
            jdbcRewrite.rollback();
            throw e;
        }
        return (int) expect(written, batchRows, "pgjdbc executeBatch");
    }

    // ---- helpers ----

    private Object covetpgCopy(String uri, Object body) {
        Exchange done = template.send(uri, exchange -> exchange.getIn().setBody(body));
        if (done.getException() != null) {
            throw new IllegalStateException(uri + " failed: " + done.getException().getMessage(), done.getException());
        }
        Number copied = done.getMessage().getHeader(CovetPgConstants.COPY_COUNT, Number.class);
        return expect(copied == null ? -1 : copied.longValue(), copyRows, uri);
    }

    private Object covetpgBatch(String uri) {
        Exchange done = template.send(uri, exchange -> exchange.getIn().setBody(rows.lists(batchRows)));
        if (done.getException() != null) {
            throw new IllegalStateException(uri + " failed: " + done.getException().getMessage(), done.getException());
        }
        Number written = done.getMessage().getHeader(CovetPgConstants.UPDATE_COUNT, Number.class);
        return expect(written == null ? -1 : written.longValue(), batchRows, uri);
    }

    private long expect(long rows, int expected, String what) {
        if (rows != expected) {
            throw new IllegalStateException(what + " reported " + rows + " rows, expected " + expected);
        }
        expectedRows = expected;
        return rows;
    }

    private void runPsql(String command) throws IOException, InterruptedException {
        if (psql == null) {
            throw new UnsupportedOperationException("psql not found (set PSQL or put it on PATH): the psql contender is skipped");
        }
        ProcessBuilder pb = new ProcessBuilder(psql, "-X", "-q", "-v", "ON_ERROR_STOP=1",
                "-h", db.host(), "-p", String.valueOf(db.port()), "-U", db.user(), "-d", db.database(),
                "-c", command);
        pb.environment().put("PGPASSWORD", db.password());
        pb.environment().put("PGSSLMODE", "disable");
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        int exit = pb.start().waitFor();
        if (exit != 0) {
            throw new IllegalStateException("psql exited with " + exit + " running " + command);
        }
    }

    private Connection connect(boolean rewrite) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", db.user());
        props.setProperty("password", db.password());
        props.setProperty("sslmode", "disable");
        if (rewrite) {
            props.setProperty("reWriteBatchedInserts", "true");
        }
        Connection c = DriverManager.getConnection(db.jdbcUrl(), props);
        // a batch is one transaction, as covetpg:batch's is; COPY is one statement either way
        c.setAutoCommit(!rewrite);
        return c;
    }

    private static String findPsql() {
        String configured = System.getenv("PSQL");
        if (configured != null && new File(configured).canExecute()) {
            return configured;
        }
        String path = System.getenv("PATH");
        List<String> dirs = new ArrayList<>(List.of(path == null ? new String[0] : path.split(File.pathSeparator)));
        dirs.add("/usr/bin");
        for (String dir : dirs) {
            File candidate = new File(dir, "psql");
            if (candidate.canExecute()) {
                return candidate.getAbsolutePath();
            }
        }
        return null;
    }

    /** Reads a byte array like a file: no bulk {@code transferTo}, at most 8 KiB per read. */
    private static final class ChunkedInputStream extends InputStream {
        private final byte[] data;
        private int pos;

        ChunkedInputStream(byte[] data) {
            this.data = data;
        }

        @Override
        public int read() {
            return pos < data.length ? data[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (pos >= data.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, 8192), data.length - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing at the end of a benchmark
            }
        }
    }
}
