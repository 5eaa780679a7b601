package dev.covet.pg.testdb;

import static java.nio.file.StandardCopyOption.COPY_ATTRIBUTES;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A private embedded PostgreSQL 17 for resilience tests: it can be stopped, started and restarted,
 * always on the same port and data directory (so a client reconnects to the same server, data
 * included), and it can start real streaming standbys of itself ({@link #startStandby()}) that a
 * test can promote. Get one with {@link TestDatabase#restartable(Map)}.
 *
 * <p>Each server owns one temp directory, {@code data/} and {@code server.log} (the server's own
 * output, quoted when a start fails), which {@link #close()} deletes. Closing a primary also closes
 * the standbys it started. Lifecycle methods are synchronized, and a shutdown hook closes a server
 * that a test left running.
 */
public final class RestartableDatabase extends TestDatabase {

    /** zonky's lock file in the data directory, held by the EmbeddedPostgres that started the server. */
    private static final String ZONKY_LOCK_FILE = "epg-lock";
    /** The longest any start, stop or wait may take before it fails. */
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /**
     * What a base backup leaves out ("Making a Base Backup Using the Low Level API" in the PostgreSQL
     * manual): the running server's own files, and the contents of the directories a server rebuilds
     * at start. pg_wal keeps its empty subdirectories; the standby streams the WAL it needs.
     */
    private static final Set<String> SKIPPED_FILES = Set.of("postmaster.pid", "postmaster.opts", ZONKY_LOCK_FILE);
    private static final Set<String> EMPTIED_DIRECTORIES = Set.of("pg_wal", "pg_replslot", "pg_dynshmem",
            "pg_notify", "pg_serial", "pg_snapshots", "pg_stat_tmp", "pg_subtrans");

    private final Path directory;
    private final Map<String, String> settings;
    private final RestartableDatabase primary;
    private final List<RestartableDatabase> standbys = new ArrayList<>();
    private final Thread shutdownHook = new Thread(this::close, "covetpg-restartable-database-stop");
    private EmbeddedPostgres server;
    private boolean closed;

    private RestartableDatabase(String source, int port, Map<String, String> settings, RestartableDatabase primary) {
        super(source, "127.0.0.1", port, "postgres", "postgres", "", () -> { });
        try {
            this.directory = Files.createTempDirectory("covetpg-pg-");
        } catch (IOException e) {
            throw new IllegalStateException("Could not create a temp directory: " + e.getMessage(), e);
        }
        this.settings = Map.copyOf(settings);
        this.primary = primary;
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    static RestartableDatabase startPrimary(Map<String, String> serverSettings) {
        Map<String, String> settings = new LinkedHashMap<>();
        // zonky turns it off; on, a commit the client saw survives stopImmediately(), and
        // pg_current_wal_lsn() covers it (awaitCaughtUp).
        settings.put("synchronous_commit", "on");
        // WAL for a standby to catch up with after the primary was restarted or the standby stopped.
        settings.put("wal_keep_size", "256MB");
        settings.putAll(serverSettings);
        RestartableDatabase db = new RestartableDatabase("restartable embedded PostgreSQL", freePort(), settings, null);
        try {
            db.start();
            return db;
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /** Starts the server, unless it runs already; a primary's first start runs initdb. */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
        if (server != null) {
            return;
        }
        File log = directory.resolve("server.log").toFile();
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory())
                .setPort(port())
                .setCleanDataDirectory(false)      // keep the data from one start to the next; close() deletes it
                .setRegisterShutdownHook(false)    // ours closes the server, instead of one more hook per start
                .setPGStartupWait(TIMEOUT)         // a new standby accepts connections once it streamed to consistency
                .setOutputRedirector(Redirect.appendTo(log))
                .setErrorRedirector(Redirect.appendTo(log))
                .setDataDirectoryCustomizer(RestartableDatabase::allowReplicationFromLocalhost);
        settings.forEach(builder::setServerConfig);
        try {
            server = builder.start();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("Could not start " + this + ": " + e.getMessage() + logTail(), e);
        }
    }

    /**
     * Stops the server with a fast shutdown (zonky's {@code pg_ctl stop -m fast}): open sessions get
     * FATAL 57P01, committed data is checkpointed. Does nothing when it is stopped already.
     */
    public synchronized void stop() {
        shutDown(false);
    }

    /**
     * Stops the server like a crash would ({@code pg_ctl stop -m immediate}): sessions just lose
     * their connection (no FATAL: pgjdbc reports 08006), there is no checkpoint, and the next start
     * runs crash recovery. zonky then logs an error, as it finds the server gone already: expected.
     */
    public synchronized void stopImmediately() {
        shutDown(true);
    }

    /** Stops the server (fast shutdown) and starts it again on the same port and data. */
    public synchronized void restart() {
        stop();
        start();
    }

    /** Whether it was started and not stopped since. */
    public synchronized boolean isRunning() {
        return server != null;
    }

    /**
     * Starts a streaming standby of this server (hot standby, readable, application_name
     * {@code standby-<its port>}) on a copy of its data made with a low-level base backup, and
     * returns once it streams. It reconnects on its own when this server restarts.
     */
    public synchronized RestartableDatabase startStandby() {
        if (server == null) {
            throw new IllegalStateException(this + " is stopped");
        }
        int port = freePort();
        Map<String, String> standbySettings = new LinkedHashMap<>(settings);
        // Retries a primary that went away (restart) every 100 ms rather than 5 s.
        standbySettings.put("wal_retrieve_retry_interval", "100ms");
        RestartableDatabase standby = new RestartableDatabase(
                "embedded PostgreSQL standby of port " + port(), port, standbySettings, this);
        standbys.add(standby);
        try {
            Path data = standby.dataDirectory();
            baseBackupTo(data);
            Files.writeString(data.resolve("standby.signal"), "");
            Files.writeString(data.resolve("postgresql.auto.conf"), "primary_conninfo = 'host=127.0.0.1 port=" + port()
                    + " user=postgres application_name=standby-" + port + "'\n", CREATE, APPEND);
            standby.start();
            await(standby + " to stream from " + this,
                    () -> "streaming".equals(standby.queryValue("SELECT status FROM pg_stat_wal_receiver")));
            return standby;
        } catch (IOException | RuntimeException e) {
            standby.close();
            throw new IllegalStateException("Could not start a standby of " + this + ": " + e.getMessage(), e);
        }
    }

    /** On a standby: waits until it has replayed all the WAL its primary has written so far. */
    public void awaitCaughtUp() {
        if (primary == null) {
            throw new IllegalStateException(this + " is not a standby");
        }
        String lsn = (String) primary.queryValue("SELECT pg_current_wal_lsn()::text");
        await(this + " to replay up to " + lsn,
                () -> Boolean.TRUE.equals(queryValue("SELECT pg_last_wal_replay_lsn() >= '" + lsn + "'::pg_lsn")));
    }

    /** On a standby: promotes it to a primary, and returns once it accepts writes. */
    public void promote() {
        // with wait => true, pg_promote returns true once recovery ended: pg_is_in_recovery() is false
        if (!Boolean.TRUE.equals(queryValue("SELECT pg_promote(true, " + TIMEOUT.toSeconds() + ")"))) {
            throw new IllegalStateException(this + " was not promoted within " + TIMEOUT.toSeconds() + " s" + logTail());
        }
    }

    /** Closes the standbys this server started, stops it and deletes its directory. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // standbys first: a primary's fast shutdown waits for its walsenders to hand over the last WAL
        standbys.forEach(RestartableDatabase::close);
        try {
            shutDown(false);
        } catch (RuntimeException e) {
            // still delete what we can: nothing a caller could do about it
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is exiting: this close() may be that very hook
        }
    }

    private Path dataDirectory() {
        return directory.resolve("data");
    }

    private void shutDown(boolean immediately) {
        if (server == null) {
            return;
        }
        EmbeddedPostgres stopping = server;
        server = null;
        try {
            if (immediately) {
                pgCtlStopImmediately();
            }
        } catch (IOException e) {
            throw new IllegalStateException("Could not stop " + this + ": " + e.getMessage() + logTail(), e);
        } finally {
            // pg_ctl stop -m fast -t 5, then zonky releases its lock on the data directory, which the
            // EmbeddedPostgres of the next start takes (after an immediate stop only the latter works)
            closeQuietly(stopping);
        }
        // zonky's pg_ctl gives up after 5 s, while a server can take longer (a walsender waiting for
        // its standby): the server is down once it removed its pid file.
        await(this + " to stop", () -> !Files.exists(dataDirectory().resolve("postmaster.pid")));
    }

    private static void closeQuietly(EmbeddedPostgres server) {
        try {
            server.close();
        } catch (IOException e) {
            // zonky logs and swallows its own failures; the pid-file wait below is the real check
        }
    }

    private void pgCtlStopImmediately() throws IOException {
        // zonky's binaries, found through the running postmaster, whose pid heads postmaster.pid
        long pid = Long.parseLong(Files.readAllLines(dataDirectory().resolve("postmaster.pid")).get(0).trim());
        Path postgres = Path.of(ProcessHandle.of(pid).flatMap(p -> p.info().command())
                .orElseThrow(() -> new IOException("no postmaster with pid " + pid)));
        List<String> command = new ArrayList<>();
        if (LinuxUtils.isUnshareAvailable()) {
            // as zonky does when run as root, which PostgreSQL refuses: a user namespace
            command.addAll(List.of("unshare", "-U"));
        }
        command.addAll(List.of(postgres.resolveSibling("pg_ctl").toString(), "stop", "-m", "immediate", "-w",
                "-D", dataDirectory().toString()));
        Process pgCtl = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(Redirect.appendTo(directory.resolve("server.log").toFile())).start();
        try {
            if (pgCtl.waitFor() != 0) {
                throw new IOException("pg_ctl stop -m immediate failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /**
     * Copies the running server's data directory to {@code target} as a non-exclusive low-level base
     * backup, the way pg_basebackup does but without its binary: both calls in one session.
     */
    private void baseBackupTo(Path target) throws IOException {
        Path source = dataDirectory();
        try (Connection c = jdbc(); Statement st = c.createStatement()) {
            st.execute("SELECT pg_backup_start('covetpg-test', true)");   // true: checkpoint now, not in a while
            Files.walkFileTree(source, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    Path relative = source.relativize(dir);
                    if (relative.getNameCount() > 1 && EMPTIED_DIRECTORIES.contains(relative.getName(0).toString())
                            && !relative.startsWith("pg_wal")) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    Files.copy(dir, target.resolve(relative.toString()), COPY_ATTRIBUTES);  // an empty directory, mode 0700
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Path relative = source.relativize(file);
                    boolean skipped = relative.getNameCount() == 1
                            ? SKIPPED_FILES.contains(relative.toString())
                            : EMPTIED_DIRECTORIES.contains(relative.getName(0).toString());
                    if (!skipped) {
                        try {
                            Files.copy(file, target.resolve(relative.toString()), COPY_ATTRIBUTES);
                        } catch (NoSuchFileException e) {
                            // removed by the running server meanwhile (a temp file): not part of the backup
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }
            });
            // false: no WAL archive to wait for. The label tells the standby where to start replaying.
            try (ResultSet rs = st.executeQuery("SELECT labelfile, spcmapfile FROM pg_backup_stop(false)")) {
                rs.next();
                Files.writeString(target.resolve("backup_label"), rs.getString("labelfile"));
                String tablespaceMap = rs.getString("spcmapfile");
                if (tablespaceMap != null && !tablespaceMap.isEmpty()) {
                    Files.writeString(target.resolve("tablespace_map"), tablespaceMap);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Base backup of " + this + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * initdb's pg_hba.conf lets 127.0.0.1 connect for replication already (trust, as zonky runs
     * initdb -A trust); this makes sure of it before each start, as a standby connects that way.
     */
    private static void allowReplicationFromLocalhost(File dataDirectory) {
        Path hba = dataDirectory.toPath().resolve("pg_hba.conf");
        String line = "host replication all 127.0.0.1/32 trust";
        try {
            boolean allowed = Files.readAllLines(hba).stream()
                    .anyMatch(l -> String.join(" ", l.trim().split("\\s+")).equals(line));
            if (!allowed) {
                Files.writeString(hba, line + "\n" + Files.readString(hba));   // first: the first match decides
            }
        } catch (IOException e) {
            throw new IllegalStateException("Could not read or write " + hba + ": " + e.getMessage(), e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("No free port: " + e.getMessage(), e);
        }
    }

    /** Polls the condition until it holds; while it throws (a server starting or reconnecting), it does not. */
    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                last = e;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted waiting for " + what, e);
            }
        }
        throw new IllegalStateException("Gave up after " + TIMEOUT.toSeconds() + " s waiting for " + what, last);
    }

    /** The end of server.log, for the message of a failure. */
    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(directory.resolve("server.log"));
            return "\n--- end of " + directory.resolve("server.log") + " ---\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public String toString() {
        return source() + " on port " + port();
    }
}
