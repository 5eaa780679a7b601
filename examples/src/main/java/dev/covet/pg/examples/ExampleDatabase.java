package dev.covet.pg.examples;

import dev.covet.pg.testdb.RestartableDatabase;
import dev.covet.pg.testdb.TestDatabase;
import java.util.Map;

/**
 * The PostgreSQL an example runs against: the server named by {@code COVETPG_URL} (a
 * {@code postgresql://user:password@host:port/database} URL, as libpq takes it), else an embedded
 * PostgreSQL 17 started for the run and stopped after it, so an example needs no install.
 *
 * @param url      what goes into the component's {@code url} option
 * @param password a password given apart from the URL, or null
 * @param external true when the server is the user's ({@code COVETPG_URL}), false when started here
 */
record ExampleDatabase(String url, String password, boolean external, String description, AutoCloseable server)
        implements AutoCloseable {

    static final String URL_VARIABLE = "COVETPG_URL";

    static ExampleDatabase fromEnvironment() {
        String url = System.getenv(URL_VARIABLE);
        if (url != null && !url.isBlank()) {
            return new ExampleDatabase(url.trim(), null, true, "the server in " + URL_VARIABLE, () -> { });
        }
        System.out.println("COVETPG_URL is not set: starting an embedded PostgreSQL 17 for this run...");
        TestDatabase embedded = TestDatabase.embedded(Map.of());
        return new ExampleDatabase(embedded.url(), embedded.password(), false, embedded.toString(), embedded);
    }

    /**
     * A primary and a replica, for {@link ReplicaExample}: the servers of a multi-host
     * {@code COVETPG_URL} ({@code postgresql://user:password@primary:5432,replica:5433/db}; covetpg
     * asks each which one is the primary), else an embedded primary and a streaming standby of it,
     * started for the run.
     */
    static ExampleDatabase primaryAndReplicaFromEnvironment() {
        String url = System.getenv(URL_VARIABLE);
        if (url != null && !url.isBlank()) {
            String hosts = url.trim().replaceFirst("^[a-z]+://([^/?]*@)?", "").replaceFirst("[/?].*", "");
            if (!hosts.contains(",")) {
                throw new IllegalArgumentException(URL_VARIABLE + " names one server (" + hosts + "); this example needs a primary"
                        + " and a replica: " + URL_VARIABLE + "=postgresql://user:password@primary:5432,replica:5433/db");
            }
            return new ExampleDatabase(url.trim(), null, true, "the servers in " + URL_VARIABLE + " (" + hosts + ")", () -> { });
        }
        System.out.println("COVETPG_URL is not set: starting an embedded PostgreSQL 17 primary and a streaming standby of it...");
        RestartableDatabase primary = TestDatabase.restartable(Map.of());
        try {
            RestartableDatabase standby = primary.startStandby();
            return new ExampleDatabase(primaryAndStandbyUrl(primary, standby), primary.password(), false,
                    "an embedded primary on port " + primary.port() + " and its streaming standby on port " + standby.port(),
                    primary);   // closing the primary closes its standby too
        } catch (RuntimeException e) {
            primary.close();
            throw e;
        }
    }

    /** {@code postgresql://user@primary-host:port,standby-host:port/database}: both servers in one url. */
    static String primaryAndStandbyUrl(TestDatabase primary, TestDatabase standby) {
        return "postgresql://" + primary.user() + "@" + primary.host() + ":" + primary.port() + ","
                + standby.host() + ":" + standby.port() + "/" + primary.database();
    }

    @Override
    public void close() throws Exception {
        server.close();
    }
}
