package dev.covet.pg.copy;

/** The COPY data formats, with PostgreSQL's names. */
public enum CopyFormat {
    text,
    csv,
    binary
}
