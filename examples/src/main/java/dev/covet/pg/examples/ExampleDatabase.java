package dev.covet.pg.examples;

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

    @Override
    public void close() throws Exception {
        server.close();
    }
}
