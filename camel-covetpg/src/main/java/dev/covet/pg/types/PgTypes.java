package dev.covet.pg.types;

import java.util.Map;

/**
 * The built-in type OIDs covetpg treats specially, and for each built-in array type its element
 * type. Built-in OIDs are fixed across PostgreSQL versions; a type created in a database (an
 * enum, a domain, a composite, an extension's type, an array of any of them) has an OID of that
 * database and is read as its text.
 */
public final class PgTypes {

    public static final int BOOL = 16;
    public static final int BYTEA = 17;
    public static final int CHAR = 18;
    public static final int NAME = 19;
    public static final int INT8 = 20;
    public static final int INT2 = 21;
    public static final int INT4 = 23;
    public static final int TEXT = 25;
    public static final int OID = 26;
    public static final int JSON = 114;
    public static final int FLOAT4 = 700;
    public static final int FLOAT8 = 701;
    public static final int UNKNOWN = 705;
    public static final int BPCHAR = 1042;
    public static final int VARCHAR = 1043;
    public static final int DATE = 1082;
    public static final int TIME = 1083;
    public static final int TIMESTAMP = 1114;
    public static final int TIMESTAMPTZ = 1184;
    public static final int TIMETZ = 1266;
    public static final int NUMERIC = 1700;
    public static final int UUID = 2950;
    public static final int TSVECTOR = 3614;
    public static final int JSONB = 3802;
    /** A function's "returns nothing": the driver reads it as null. */
    public static final int VOID = 2278;

    /** Built-in array type to element type (from pg_type, typcategory 'A'; int2vector and oidvector are not arrays in text). box[] is
     * missing on purpose: its elements are separated by ';', which an array written from Java would not use, so it stays text. */
    private static final Map<Integer, Integer> ELEMENTS = Map.ofEntries(
            Map.entry(1000, BOOL), Map.entry(1001, BYTEA), Map.entry(1002, CHAR), Map.entry(1003, NAME),
            Map.entry(1005, INT2), Map.entry(1007, INT4), Map.entry(1009, TEXT), Map.entry(1014, BPCHAR),
            Map.entry(1015, VARCHAR), Map.entry(1016, INT8), Map.entry(1021, FLOAT4), Map.entry(1022, FLOAT8),
            Map.entry(1028, OID), Map.entry(1115, TIMESTAMP), Map.entry(1182, DATE), Map.entry(1183, TIME),
            Map.entry(1185, TIMESTAMPTZ), Map.entry(1231, NUMERIC), Map.entry(1270, TIMETZ), Map.entry(2951, UUID),
            Map.entry(199, JSON), Map.entry(3807, JSONB),
            // element read as its text
            Map.entry(143, 142), Map.entry(629, 628), Map.entry(651, 650), Map.entry(719, 718), Map.entry(775, 774),
            Map.entry(791, 790), Map.entry(1010, 27), Map.entry(1011, 28), Map.entry(1012, 29), Map.entry(1017, 600),
            Map.entry(1018, 601), Map.entry(1019, 602), Map.entry(1027, 604), Map.entry(1040, 829),
            Map.entry(1041, 869), Map.entry(1187, 1186), Map.entry(1561, 1560), Map.entry(1563, 1562),
            Map.entry(271, 5069), Map.entry(3221, 3220), Map.entry(3643, TSVECTOR), Map.entry(3645, 3615),
            Map.entry(4073, 4072), Map.entry(2201, 1790), Map.entry(2949, 2970), Map.entry(5039, 5038),
            Map.entry(1008, 24), Map.entry(2207, 2202), Map.entry(2208, 2203), Map.entry(2209, 2204),
            Map.entry(2210, 2205), Map.entry(2211, 2206), Map.entry(3735, 3734), Map.entry(3770, 3769),
            Map.entry(4090, 4089), Map.entry(4097, 4096), Map.entry(4192, 4191),
            Map.entry(3905, 3904), Map.entry(3907, 3906), Map.entry(3909, 3908), Map.entry(3911, 3910),
            Map.entry(3913, 3912), Map.entry(3927, 3926), Map.entry(6150, 4451), Map.entry(6151, 4532),
            Map.entry(6152, 4533), Map.entry(6153, 4534), Map.entry(6155, 4535), Map.entry(6157, 4536));

    private PgTypes() {
    }

    /** The element type of a built-in array type; 0 when {@code oid} is not one. */
    public static int element(int oid) {
        Integer element = ELEMENTS.get(oid);
        return element == null ? 0 : element;
    }

    /** The type's SQL name, for messages. */
    public static String name(int oid) {
        return switch (oid) {
            case BOOL -> "boolean";
            case BYTEA -> "bytea";
            case INT2 -> "smallint";
            case INT4 -> "integer";
            case INT8 -> "bigint";
            case FLOAT4 -> "real";
            case FLOAT8 -> "double precision";
            case NUMERIC -> "numeric";
            case TEXT -> "text";
            case VARCHAR -> "character varying";
            case BPCHAR -> "character";
            case NAME -> "name";
            case JSON -> "json";
            case JSONB -> "jsonb";
            case UUID -> "uuid";
            case DATE -> "date";
            case TIME -> "time without time zone";
            case TIMETZ -> "time with time zone";
            case TIMESTAMP -> "timestamp without time zone";
            case TIMESTAMPTZ -> "timestamp with time zone";
            default -> "the type with OID " + oid;
        };
    }
}
