package dev.covet.pg.types;

/**
 * A table column's type as a bulk write needs it.
 *
 * @param castType the base type's qualified name without a modifier ({@code "pg_catalog"."bpchar"} for a
 *                 {@code char(10)} column, the base type for a domain), safe to cast to: the INSERT's own
 *                 assignment then applies the column's modifier and domain checks, as it does for psql
 *                 (a cast to {@code char(10)} or {@code varchar(5)} would cut a longer value, an assignment refuses it)
 * @param oid      the base type's OID, which decides how a value is written ({@link PgText#format(Object, int)})
 * @param display  the column's type as {@code format_type} shows it with its modifier, for messages
 */
public record ColumnType(String castType, int oid, String display) {
}
