package dev.covet.pg.testdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The restartable server and its streaming standby do what resilience tests rely on. */
class RestartableDatabaseTest {

    @Test
    void standbyReplicatesThePrimaryAndRefusesWrites() {
        try (RestartableDatabase primary = TestDatabase.restartable(Map.of());
             RestartableDatabase standby = primary.startStandby()) {
            primary.execute("CREATE TABLE t (id int PRIMARY KEY, note text)",
                    "INSERT INTO t VALUES (1, 'written on the primary')");
            standby.awaitCaughtUp();

            assertThat(standby.queryValue("SELECT note FROM t WHERE id = 1")).isEqualTo("written on the primary");
            assertThat(standby.queryValue("SELECT pg_is_in_recovery()")).isEqualTo(true);
            assertThat(sqlStateOf(standby, "INSERT INTO t VALUES (2, 'on the standby')"))
                    .as("read_only_sql_transaction").isEqualTo("25006");
        }
    }

    @Test
    void restartedPrimaryKeepsItsDataAndTheStandbyCatchesUp() {
        try (RestartableDatabase primary = TestDatabase.restartable(Map.of());
             RestartableDatabase standby = primary.startStandby()) {
            primary.execute("CREATE TABLE t (id int PRIMARY KEY, note text)", "INSERT INTO t VALUES (1, 'before')");

            primary.restart();
            assertThat(primary.queryValue("SELECT note FROM t WHERE id = 1")).isEqualTo("before");

            primary.execute("INSERT INTO t VALUES (2, 'after the restart')");
            standby.awaitCaughtUp();
            assertThat(standby.queryValue("SELECT string_agg(note, ', ' ORDER BY id) FROM t"))
                    .isEqualTo("before, after the restart");
        }
    }

    @Test
    void promotedStandbyAcceptsWritesOnceThePrimaryIsGone() {
        try (RestartableDatabase primary = TestDatabase.restartable(Map.of());
             RestartableDatabase standby = primary.startStandby()) {
            primary.execute("CREATE TABLE t (id int PRIMARY KEY, note text)", "INSERT INTO t VALUES (1, 'on the primary')");
            standby.awaitCaughtUp();

            primary.stop();
            standby.promote();

            assertThat(standby.queryValue("SELECT pg_is_in_recovery()")).isEqualTo(false);
            standby.execute("INSERT INTO t VALUES (2, 'on the promoted standby')");
            assertThat(standby.queryValue("SELECT count(*) FROM t")).isEqualTo(2L);
        }
    }

    @Test
    void stopsEndSessionsAndKeepCommittedData() throws SQLException {
        try (RestartableDatabase db = TestDatabase.restartable(Map.of())) {
            db.execute("CREATE TABLE t (id int)");
            try (Connection session = db.jdbc()) {
                db.stop();
                assertThat(db.isRunning()).isFalse();
                assertThat(sqlStateOf(session, "SELECT 1")).as("admin_shutdown").isEqualTo("57P01");
            }

            db.start();
            try (Connection session = db.jdbc(); Statement st = session.createStatement()) {
                st.execute("INSERT INTO t VALUES (1)");
                db.stopImmediately();
                assertThat(sqlStateOf(session, "SELECT 1")).as("connection_failure").isEqualTo("08006");
            }

            db.start();   // crash recovery
            assertThat(db.queryValue("SELECT count(*) FROM t")).isEqualTo(1L);
        }
    }

    @Test
    void terminateBackendsEndsTheSessionsOfOneApplication() throws SQLException {
        try (RestartableDatabase db = TestDatabase.restartable(Map.of());
             Connection victim = DriverManager.getConnection(db.jdbcUrl() + "?ApplicationName=victim", "postgres", "");
             Connection bystander = db.jdbc()) {
            assertThat(db.terminateBackends("victim")).isEqualTo(1);

            assertThat(sqlStateOf(victim, "SELECT 1")).as("admin_shutdown").isEqualTo("57P01");
            assertThat(bystander.isValid(5)).isTrue();
            assertThat(db.terminateBackends("victim")).isZero();
        }
    }

    /** The SQLSTATE the statement fails with, or null when it succeeds. */
    private static String sqlStateOf(Connection c, String sql) {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
            return null;
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }

    private static String sqlStateOf(TestDatabase db, String sql) {
        try (Connection c = db.jdbc()) {
            return sqlStateOf(c, sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
