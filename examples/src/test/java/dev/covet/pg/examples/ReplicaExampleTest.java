package dev.covet.pg.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.covet.pg.testdb.RestartableDatabase;
import dev.covet.pg.testdb.TestDatabase;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Runs ReplicaExample against an embedded primary and a real streaming standby of it, on small data. */
class ReplicaExampleTest {

    private static RestartableDatabase primary;
    private static RestartableDatabase standby;

    @BeforeAll
    static void startServers() {
        primary = TestDatabase.restartable(Map.of());
        standby = primary.startStandby();
    }

    @AfterAll
    static void stopServers() {
        if (primary != null) {
            primary.close();   // and its standby
        }
    }

    @Test
    void theReportRunsOnTheReplicaTheOrdersAreWrittenOnThePrimaryAndReachTheReplica() throws Exception {
        String primaryAddress = "127.0.0.1:" + primary.port();
        String standbyAddress = "127.0.0.1:" + standby.port();
        ExampleDatabase database = new ExampleDatabase(ExampleDatabase.primaryAndStandbyUrl(primary, standby),
                primary.password(), false, "test primary and standby", () -> { });

        ReplicaExample.Result result = ReplicaExample.run(database, 3);

        // covetpg told the two apart by asking each server
        assertThat(result.servers()).contains(primaryAddress + " primary up", standbyAddress + " replica up");
        // every write ran on the primary, which is not in recovery
        assertThat(result.writes()).extracting(ReplicaExample.Write::batch).containsExactly(1, 2, 3);
        assertThat(result.writes()).allSatisfy(w -> {
            assertThat(w.orders()).isEqualTo(ReplicaExample.ORDERS_PER_BATCH);
            assertThat(w.server()).isEqualTo(new ReplicaExample.Server(primaryAddress, false));
        });
        // every report poll ran on the standby: pg_is_in_recovery() is true there
        assertThat(result.reports()).isNotEmpty().allSatisfy(r ->
                assertThat(r.server()).isEqualTo(new ReplicaExample.Server(standbyAddress, true)));
        // and the last one counted every order written on the primary
        assertThat(result.expected()).isEqualTo(60);
        assertThat(result.lastReport().orders()).isEqualTo(60);

        // the same, seen over plain JDBC: the rows are on the primary and, replicated, on the standby
        assertThat(primary.queryValue("SELECT count(*) FROM replica_orders")).isEqualTo(60L);
        assertThat(standby.queryValue("SELECT count(*) FROM replica_orders")).isEqualTo(60L);
        assertThat(result.lastReport().total())
                .isEqualByComparingTo((BigDecimal) primary.queryValue("SELECT sum(amount) FROM replica_orders"));
        assertThat(standby.queryValue("SELECT pg_is_in_recovery()")).isEqualTo(true);
        assertThat(primary.queryValue("SELECT state FROM pg_stat_replication")).isEqualTo("streaming");
    }

    @Test
    void withOnlyThePrimaryTheExampleFailsAtStartNamingReadFrom() {
        // the primary alone: the reads have no replica to go to
        ExampleDatabase onlyPrimary = new ExampleDatabase(primary.url(), primary.password(), false, "test primary", () -> { });

        Throwable failure = catchThrowable(() -> ReplicaExample.run(onlyPrimary, 1));

        assertThat(failure).rootCause().isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid readFrom 'replica'").hasMessageContaining("no replicas");
    }
}
