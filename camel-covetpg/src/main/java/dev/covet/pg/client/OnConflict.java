package dev.covet.pg.client;

import dev.covet.pg.sql.Identifiers;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What an upserting load (batch or copy with {@code table}) does with a row whose key is already
 * in the table: {@code onConflict=nothing} keeps the row there, {@code onConflict=update} sets
 * every loaded column that is not a conflict column from the new row. The conflict columns are
 * checked identifiers; the clause is built from them and the load's checked column names only.
 *
 * @param target  the conflict columns (checked SQL text); empty for {@code nothing} on any conflict
 * @param update  {@code update} rather than {@code nothing}
 */
public record OnConflict(List<String> target, boolean update) {

    /**
     * Resolves the endpoint's two options; null when neither is set (a plain insert). Refuses a
     * combination that could not mean what it says, naming both options.
     */
    public static OnConflict of(String conflictColumns, String onConflict) {
        boolean hasColumns = conflictColumns != null && !conflictColumns.isBlank();
        boolean hasAction = onConflict != null && !onConflict.isBlank();
        if (!hasColumns && !hasAction) {
            return null;
        }
        if (!hasAction) {
            throw new IllegalArgumentException("conflictColumns is set but onConflict is not: say what a row whose key is already in"
                    + " the table does, onConflict=nothing (keep the row there) or onConflict=update (set the other columns)");
        }
        String action = onConflict.trim().toLowerCase(Locale.ROOT);
        if (!action.equals("nothing") && !action.equals("update")) {
            throw new IllegalArgumentException("Invalid onConflict '" + onConflict + "': allowed values are nothing, update");
        }
        boolean update = action.equals("update");
        if (update && !hasColumns) {
            throw new IllegalArgumentException("onConflict=update needs conflictColumns: the columns of the unique key that decides"
                    + " which row a loaded row updates");
        }
        return new OnConflict(hasColumns ? Identifiers.columns(conflictColumns, "conflictColumns") : List.of(), update);
    }

    /**
     * The clause after {@code INSERT INTO t (columns) ...}. With {@code update} and no column
     * outside the conflict columns there is nothing to set: such a row is kept, as with nothing.
     */
    public String clause(List<String> columns) {
        String on = target.isEmpty() ? " ON CONFLICT" : " ON CONFLICT (" + String.join(", ", target) + ")";
        List<String> keys = target.stream().map(Identifiers::name).toList(); // "Id" and id are one column only when the server says so
        List<String> set = new ArrayList<>();
        if (update) {
            for (String column : columns) {
                if (!keys.contains(Identifiers.name(column))) {
                    set.add(column + " = EXCLUDED." + column);
                }
            }
        }
        return set.isEmpty() ? on + " DO NOTHING" : on + " DO UPDATE SET " + String.join(", ", set);
    }

    /**
     * {@code insert} (an INSERT ending in {@link #clause}) as one statement answering one row: how
     * many rows it inserted and how many it updated. A row version a statement inserted has no
     * xmax yet; one it updated through ON CONFLICT carries the statement's own transaction in xmax.
     */
    public static String counting(String insert) {
        return "WITH written AS (" + insert + " RETURNING (xmax = 0) AS inserted)"
                + " SELECT count(*) FILTER (WHERE inserted) AS inserted, count(*) FILTER (WHERE NOT inserted) AS updated FROM written";
    }

    /** What an upsert wrote. */
    public record Written(long inserted, long updated) {
    }

    /** Runs a {@link #counting} statement on the session and reads its one row. */
    public static Written run(PgSession session, String counting, List<?> params) {
        java.util.Map<String, Object> row = session.query(counting, params).rows().get(0);
        return new Written(((Number) row.get("inserted")).longValue(), ((Number) row.get("updated")).longValue());
    }
}
