package dev.covet.pg.sql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Which statements change the session beyond themselves. */
@Tag("fast")
class SessionChangesTest {

    @Test
    void sessionLevelChangesAreSeen() {
        for (String sql : new String[] {"SET search_path TO etl", "  /* why */ set role reporting", "SET SESSION AUTHORIZATION bob",
                "RESET ALL", "LISTEN orders", "PREPARE p AS SELECT 1", "DECLARE c CURSOR WITH HOLD FOR SELECT 1",
                "SELECT pg_advisory_lock(42)", "SELECT set_config('search_path', 'x', false)", "CREATE TEMP TABLE t (x int)",
                "CREATE TEMP TABLE t (x int) ON COMMIT DELETE ROWS", "CREATE TEMP TABLE t AS SELECT 'on commit drop' AS x",
                "CREATE TEMP TABLE t AS SELECT a FROM s JOIN u ON commit = drop", "SELECT * INTO TEMP t FROM s",
                "SELECT PG_TRY_ADVISORY_LOCK (1)", "DISCARD ALL", "SET statement_timeout = 0", "BEGIN", "begin isolation level serializable",
                "START TRANSACTION READ ONLY"}) {
            assertThat(SessionChanges.of(sql)).as(sql).isTrue();
        }
    }

    @Test
    void statementsThatEndWithThemselvesOrTheirTransactionAreNot() {
        for (String sql : new String[] {"UPDATE t SET x = 1", "SET LOCAL statement_timeout = 5", "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE",
                "SELECT 'SET search_path TO x'", "SELECT 1 -- SET role x", "SELECT pg_advisory_xact_lock(1)", "INSERT INTO temps VALUES (1)",
                "SELECT $$LISTEN x$$", "SELECT \"set\" FROM t", "DO $$BEGIN PERFORM 1; END$$", "SELECT start, begin FROM spans", "SELECT * FROM t WHERE note = 'temp'", "SELECT temp FROM readings",
                "CREATE TEMP TABLE s ON COMMIT DROP AS SELECT a FROM t WITH NO DATA", "create local temporary table s (x int) on commit drop"}) {
            assertThat(SessionChanges.of(sql)).as(sql).isFalse();
        }
    }

    @Test
    void statementsThatEndATransactionAreSeen() {
        for (String sql : new String[] {"COMMIT", "commit work", "END", "  /* done */ ROLLBACK", "rollback and chain", "ABORT",
                "PREPARE TRANSACTION 'tx1'", "COMMIT PREPARED 'tx1'", "-- why\nCOMMIT;"}) {
            assertThat(SessionChanges.endsTransaction(sql)).as(sql).isTrue();
        }
        for (String sql : new String[] {"ROLLBACK TO SAVEPOINT s", "rollback to s", "ROLLBACK WORK TO SAVEPOINT s",
                "ROLLBACK TRANSACTION TO s", "SAVEPOINT s", "RELEASE SAVEPOINT s", "PREPARE p AS SELECT 1", "SELECT 'COMMIT'",
                "/* COMMIT */ SELECT 1", "UPDATE t SET commit = 1", "PREPARE transaction AS SELECT 1", "BEGIN", "SET TRANSACTION READ ONLY", "", "(SELECT 1)"}) {
            assertThat(SessionChanges.endsTransaction(sql)).as(sql).isFalse();
        }
    }
}
