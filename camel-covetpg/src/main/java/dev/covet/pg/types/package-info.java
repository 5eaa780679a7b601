/**
 * Java values and PostgreSQL's text and numbers, exactly, with no driver and no Camel: how a
 * value is written as the text the server's input function reads ({@link dev.covet.pg.types.PgText}),
 * how the server's output text is read back ({@link dev.covet.pg.types.TextValues}), and when a
 * number fits a column's type ({@link dev.covet.pg.types.ExactNumbers}). Every write path (bound
 * parameters, the unnest batch, COPY text, csv and binary) and every read path uses these, so a
 * value is converted by the same rules wherever it travels.
 *
 * <p>The rule throughout: a value is sent as its exact text (or exact binary form), so the server
 * does with it what it would do with the same literal in psql; nothing is rounded, wrapped or
 * cut on the way. A value that cannot be written exactly fails with a {@link dev.covet.pg.types.ValueException},
 * whose message names the Java type and the PostgreSQL type, never the value.
 */
package dev.covet.pg.types;
