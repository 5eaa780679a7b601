package dev.covet.pg.testdb;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * The one PostgreSQL that the tests, the examples and the benchmarks run against.
 *
 * <p>Chosen in this order: the server named by {@code COVETPG_TEST_URL} (a {@code postgresql://}
 * URL); else a Testcontainers PostgreSQL when a Docker engine answers; else an embedded PostgreSQL
 * 17 whose binaries come from Maven Central, which needs neither Docker nor an install.
 *
 * <p>It is a real server reached over TCP: tests observe it with plain JDBC ({@link #jdbc()}),
 * independently of the component under test.
 *
 * <p>Resilience tests that stop, restart or fail over the server use a {@link RestartableDatabase}
 * ({@link #restartable(Map)}), the one subclass: it inherits these helpers.
 */
public sealed class TestDatabase implements AutoCloseable permits RestartableDatabase {

    public static final String URL_VARIABLE = "COVETPG_TEST_URL";
    private static final String POSTGRES_IMAGE = "postgres:17-alpine";

    private static TestDatabase shared;

    private final String source;
    private final String host;
    private final int port;
    private final String database;
    private final String user;
    private final String password;
    private final AutoCloseable server;

    TestDatabase(String source, String host, int port, String database, String user, String password,
                 AutoCloseable server) {
        this.source = source;
        this.host = host;
        this.port = port;
        this.database = database;
        this.user = user;
        this.password = password;
        this.server = server;
    }

    /** The database shared by everything in this JVM; started on first use, stopped at exit. */
    public static synchronized TestDatabase shared() {
        if (shared == null) {
            shared = start();
            TestDatabase db = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(db::close, "covetpg-test-database-stop"));
        }
        return shared;
    }

    private static TestDatabase start() {
        String url = System.getenv(URL_VARIABLE);
        if (url != null && !url.isBlank()) {
            return fromUrl(url.trim());
        }
        if (dockerAnswers()) {
            return testcontainers();
        }
        return embedded(Map.of());
    }

    /**
     * A private embedded PostgreSQL 17 with the given server settings (postgresql.conf keys), for
     * tests that need a server configured in a way the shared one is not (TLS, say).
     */
    public static TestDatabase embedded(Map<String, String> serverSettings) {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
            serverSettings.forEach(builder::setServerConfig);
            EmbeddedPostgres pg = builder.start();
            return new TestDatabase("embedded PostgreSQL", "127.0.0.1", pg.getPort(), "postgres", "postgres", "", pg);
        } catch (IOException e) {
            throw new IllegalStateException("Could not start the embedded PostgreSQL: " + e.getMessage(), e);
        }
    }

    /**
     * A private embedded PostgreSQL 17 that a resilience test can stop, start, restart and stream to
     * standbys, on one port and data directory; see {@link RestartableDatabase}.
     */
    public static RestartableDatabase restartable(Map<String, String> serverSettings) {
        return RestartableDatabase.startPrimary(serverSettings);
    }

    private static boolean dockerAnswers() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    @SuppressWarnings("resource")
    private static TestDatabase testcontainers() {
        PostgreSQLContainer<?> pg = new PostgreSQLContainer<>(POSTGRES_IMAGE);
        pg.start();
        return new TestDatabase("Testcontainers " + POSTGRES_IMAGE, pg.getHost(), pg.getMappedPort(5432),
                pg.getDatabaseName(), pg.getUsername(), pg.getPassword(), pg::stop);
    }

    static TestDatabase fromUrl(String url) {
        URI uri = URI.create(url);
        if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
            throw new IllegalArgumentException(URL_VARIABLE + " must be a postgresql:// URL, got scheme " + uri.getScheme());
        }
        String user = "postgres";
        String password = "";
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = decode(parts[0]);
            password = parts.length > 1 ? decode(parts[1]) : "";
        }
        String path = uri.getPath();
        String database = path == null || path.length() <= 1 ? "postgres" : path.substring(1);
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        return new TestDatabase(URL_VARIABLE, uri.getHost(), port, database, user, password, () -> { });
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    public String source() {
        return source;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String database() {
        return database;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** {@code postgresql://user@host:port/database}, without the password (pass it separately). */
    public String url() {
        return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /**
     * A new, empty database of this name on the same server (dropped first if it is there), for
     * a test that must tell its rows from those of the default database; closing it leaves the
     * server running.
     */
    public TestDatabase freshDatabase(String name) {
        if (!name.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("not a plain database name: " + name);
        }
        execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)", "CREATE DATABASE " + name);
        return otherDatabase(name);
    }

    /** The database of this name on the same server, as it is (a test made it); closing it leaves the server running. */
    public TestDatabase otherDatabase(String name) {
        return new TestDatabase(source, host, port, name, user, password, () -> { });
    }

    /** A new JDBC connection (autocommit) for observing the server independently of covetpg. */
    public Connection jdbc() {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        try {
            return DriverManager.getConnection(jdbcUrl(), props);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not connect to the test database " + jdbcUrl() + ": " + e.getMessage(), e);
        }
    }

    /** Runs statements over JDBC, one after the other. */
    public void execute(String... statements) {
        try (Connection c = jdbc(); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Runs a query over JDBC and returns its rows as column-ordered maps. */
    public List<Map<String, Object>> query(String sql) {
        try (Connection c = jdbc(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            List<Map<String, Object>> rows = new ArrayList<>();
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= columns; i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** The first column of the first row of a query, or null. */
    public Object queryValue(String sql) {
        List<Map<String, Object>> rows = query(sql);
        return rows.isEmpty() ? null : rows.get(0).values().iterator().next();
    }

    /**
     * Terminates every backend whose application_name is the given one, as an administrator or a
     * failover tool would (its client gets FATAL 57P01), and returns how many. Each is gone when this
     * returns: {@code pg_terminate_backend(pid, timeout)} waits for it (PostgreSQL 14 and later).
     */
    public int terminateBackends(String applicationName) {
        String sql = "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) FROM pg_stat_activity"
                + " WHERE application_name = ? AND pid <> pg_backend_pid()";
        try (Connection c = jdbc(); PreparedStatement st = c.prepareStatement(sql)) {
            st.setString(1, applicationName);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (Exception e) {
            // stopping a test server: nothing a caller could do about it
        }
    }

    @Override
    public String toString() {
        return source + " at " + host + ":" + port + "/" + database;
    }
}
