package dev.covet.pg;

/** The shape of a query's result in the message body. */
public enum CovetPgOutputType {
    /** All rows as {@code List<Map<String,Object>>} in column order. */
    SelectList,
    /** The only row as a {@code Map}, or null when there is none; more than one row is an error. */
    SelectOne,
    /** The first column of the first row, or null. */
    SelectValue,
    /** An {@code Iterator<Map<String,Object>>} fetched lazily through a cursor, for {@code split().streaming()}. */
    StreamList
}
