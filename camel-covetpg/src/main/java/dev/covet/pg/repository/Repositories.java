package dev.covet.pg.repository;

import dev.covet.pg.client.PgClient;
import dev.covet.pg.client.PgSession;
import dev.covet.pg.tx.TransactionHost;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Component;

/** What the repositories share: the component whose pool they use, and their tables. */
final class Repositories {

    private Repositories() {
    }

    /** The client of the covetpg component named {@code componentName}; {@code repository} names the caller in errors. */
    static PgClient client(CamelContext context, String componentName, String repository) {
        if (context == null) {
            throw new IllegalStateException(repository + " needs its CamelContext: bind it in the registry, or call setCamelContext");
        }
        Component component = context.getComponent(componentName);
        if (!(component instanceof TransactionHost host)) {
            throw new IllegalArgumentException("The componentName '" + componentName + "' of " + repository + " names no covetpg component");
        }
        return host.client();
    }

    /**
     * Creates each table of {@code ddl} (table name, as SQL text, to its CREATE TABLE) that does not
     * exist yet, in one transaction under an advisory lock named after the first: CREATE TABLE IF
     * NOT EXISTS alone is not enough when two sessions create the same table at once (the second
     * fails on pg_type's unique index, 23505 or 42710), and the lock makes them take turns. Tables
     * that exist are left alone, without the server's "already exists, skipping" notice.
     */
    static void create(PgClient client, Map<String, String> ddl) {
        try (PgSession session = client.openSession(client.settings().commandTimeout())) {
            session.begin();
            session.query("SELECT pg_advisory_xact_lock(hashtext($1))", List.of("covetpg repository " + ddl.keySet().iterator().next()));
            for (Map.Entry<String, String> table : ddl.entrySet()) {
                if (!exists(session, table.getKey())) {
                    session.query(table.getValue(), List.of());
                }
            }
            session.commit();
        }
    }

    /** Fails, naming the table and what it should be, when one of {@code ddl}'s tables does not exist (createTable=false). */
    static void require(PgClient client, Map<String, String> ddl, String repository) {
        try (PgSession session = client.openSession(client.settings().commandTimeout())) {
            for (Map.Entry<String, String> table : ddl.entrySet()) {
                if (!exists(session, table.getKey())) {
                    throw new IllegalArgumentException("The table " + table.getKey() + " of " + repository + " does not exist and createTable=false;"
                            + " create it (" + table.getValue() + ") or leave createTable at true");
                }
            }
        }
    }

    private static boolean exists(PgSession session, String table) {
        return Boolean.TRUE.equals(session.query("SELECT to_regclass($1) IS NOT NULL AS found", List.of(table)).rows().get(0).get("found"));
    }
}
