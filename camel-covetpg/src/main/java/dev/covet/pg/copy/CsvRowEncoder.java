package dev.covet.pg.copy;

import dev.covet.pg.types.ColumnType;
import dev.covet.pg.types.PgText;
import java.util.List;

/**
 * COPY's csv format with PostgreSQL's defaults: comma between columns, NULL as nothing at all,
 * and a value in double quotes (quotes doubled) when it holds a comma, quote, CR or LF, is
 * empty (so that it is not NULL), or is {@code \.} (the end-of-data marker).
 */
final class CsvRowEncoder extends RowEncoder {

    CsvRowEncoder(List<ColumnType> types) {
        super(types);
    }

    @Override
    public void row(List<Object> values) {
        for (int i = 0, n = values.size(); i < n; i++) {
            if (i > 0) {
                put((byte) ',');
            }
            Object v = values.get(i);
            if (v == null) {
                continue;
            }
            if (isUncheckedWhole(v, i)) {
                putLong(((Number) v).longValue());
            } else if (putPlainDecimal(v, i)) {
                // written: its digits need no quotes
            } else {
                String s = PgText.format(v, oid(i));
                if (needsQuotes(s)) {
                    put((byte) '"');
                    putUtf8(s.replace("\"", "\"\""), null);
                    put((byte) '"');
                } else {
                    putUtf8(s, null);
                }
            }
        }
        put((byte) '\n');
    }

    private static boolean needsQuotes(String s) {
        if (s.isEmpty() || s.equals("\\.")) {
            return true;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ',' || c == '"' || c == '\n' || c == '\r') {
                return true;
            }
        }
        return false;
    }
}
