package dev.covet.pg;

/** What a covetpg endpoint does; the path of {@code covetpg:operation}. */
public enum CovetPgOperation {
    /** Run one statement per exchange. */
    query
}
