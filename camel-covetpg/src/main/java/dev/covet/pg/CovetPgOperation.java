package dev.covet.pg;

/** What a covetpg endpoint does; the path of {@code covetpg:operation}. */
public enum CovetPgOperation {
    /** Run one statement per exchange. */
    query,
    /** Run one statement for every parameter set in the body, or insert the body's rows into table/columns. */
    batch,
    /** COPY FROM STDIN of the body's rows or bytes, or COPY TO STDOUT into the body (direction=out). */
    copy,
    /** Consumer only: one exchange per notification on the channels (LISTEN). */
    listen
}
