package dev.covet.pg.copy;

import dev.covet.pg.types.ColumnType;
import dev.covet.pg.types.PgText;
import java.util.List;

/**
 * COPY's text format: tab between columns, newline after each row, {@code \N} for NULL, and
 * backslash escapes for backslash, tab, newline and carriage return inside values.
 */
final class TextRowEncoder extends RowEncoder {

    private static final Escape ESCAPE = c -> switch (c) {
        case '\\' -> (byte) '\\';
        case '\t' -> (byte) 't';
        case '\n' -> (byte) 'n';
        case '\r' -> (byte) 'r';
        default -> 0;
    };

    TextRowEncoder(List<ColumnType> types) {
        super(types);
    }

    @Override
    public void row(List<Object> values) {
        for (int i = 0, n = values.size(); i < n; i++) {
            if (i > 0) {
                put((byte) '\t');
            }
            Object v = values.get(i);
            if (v == null) {
                put((byte) '\\');
                put((byte) 'N');
            } else if (isUncheckedWhole(v, i)) {
                putLong(((Number) v).longValue());
            } else if (putPlainDecimal(v, i)) {
                // written: its digits need no escape
            } else {
                putUtf8(PgText.format(v, oid(i)), ESCAPE);
            }
        }
        put((byte) '\n');
    }
}
