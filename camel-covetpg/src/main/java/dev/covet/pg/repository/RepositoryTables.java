package dev.covet.pg.repository;

import dev.covet.pg.client.PgSession;
import dev.covet.pg.client.PgClient;
import java.util.List;
import java.util.Map;

/** The tables of a repository, made once however many contexts start on them at the same moment. */
final class RepositoryTables {

    private RepositoryTables() {
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
                Object missing = session.query("SELECT to_regclass($1) IS NULL AS missing", List.of(table.getKey())).rows().get(0).get("missing");
                if (Boolean.TRUE.equals(missing)) {
                    session.query(table.getValue(), List.of());
                }
            }
            session.commit();
        }
    }
}
