package dev.covet.pg;

import java.util.ArrayList;
import java.util.List;

/**
 * The values of the fidelity matrix: every kind of type the server has, each with its edge
 * values, written as SQL literals. The server's own text of each ({@code v::text}) is the oracle.
 */
final class FidelityCases {

    /** One column type and the values to try in it (SQL expressions of that type; NULL included). */
    record Case(String type, List<String> values) {
    }

    private FidelityCases() {
    }

    /** What the cases need besides the built-in types, created in {@code schema}. */
    static String[] setup(String schema) {
        return new String[] {
                "CREATE SCHEMA " + schema,
                "CREATE TYPE " + schema + ".mood AS ENUM ('happy', 'sad', 'it''s {complicated}')",
                "CREATE DOMAIN " + schema + ".posint AS integer CHECK (VALUE > 0)",
                "CREATE DOMAIN " + schema + ".label AS text",
                "CREATE DOMAIN " + schema + ".code AS varchar(3)",
                "CREATE DOMAIN " + schema + ".small_code AS " + schema + ".code",
                "CREATE TYPE " + schema + ".pair AS (a integer, b text)",
        };
    }

    static List<Case> all(String schema) {
        String longText = "x".repeat(100_000);
        List<Case> cases = new ArrayList<>(List.of(
                new Case("boolean", List.of("true", "false")),
                new Case("smallint", List.of("-32768", "32767", "0")),
                new Case("integer", List.of("-2147483648", "2147483647")),
                new Case("bigint", List.of("-9223372036854775808", "9223372036854775807")),
                new Case("real", List.of("'NaN'", "'Infinity'", "'-Infinity'", "'3.4028235e38'", "'1.4e-45'", "'-0'", "'0.1'")),
                new Case("double precision", List.of("'NaN'", "'Infinity'", "'-Infinity'", "'1.7976931348623157e308'",
                        "'4.9e-324'", "'-0'", "'0.1'", "'1e-300'", "'123456789.123456789'")),
                new Case("numeric", List.of("'NaN'", "'Infinity'", "'-Infinity'", "0.000000000000000000001", "-1.50",
                        "123456789012345678901234567890.123456789", "1e100", "0.0", "'1e-16383'")),
                new Case("numeric(10,2)", List.of("12345678.91", "-0.01")),
                new Case("money", List.of("12.50", "'-92233720368547758.08'", "'92233720368547758.07'")),
                new Case("character(10)", List.of("'ABC123'", "''", "'  lead'")),
                new Case("character", List.of("'x'", "' '")),
                new Case("character varying(5)", List.of("'abcde'", "'é😀'")),
                new Case("character varying", List.of("''", "'NULL'", "'\\N'")),
                new Case("text", List.of("''", "'" + longText + "'", "'😀 4-byte'", "E'tab\\tnl\\ncr\\rbs\\\\q\"'",
                        "'{{env:HOME}}'", "'#bean:x'", "':#id ${header.x} $1'", "'NULL'", "'\\.'", "'{1,2}'", "' padded '")),
                new Case("\"char\"", List.of("'a'", "'\\001'")),
                new Case("name", List.of("'identifier'", "'with space'")),
                new Case("bytea", List.of("'\\x'", "'\\x00ff10'", "decode(repeat('ab', 50000), 'hex')")),
                new Case("uuid", List.of("'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'", "'00000000-0000-0000-0000-000000000000'")),
                new Case("date", List.of("'infinity'", "'-infinity'", "'4713-01-01 BC'", "'5874897-12-31'", "'0001-01-01 BC'",
                        "'0005-02-29 BC'", "'2024-02-29'", "'1582-10-10'")),
                new Case("time", List.of("'00:00'", "'23:59:59.999999'", "'24:00:00'", "'12:34:56.000001'")),
                new Case("time with time zone", List.of("'24:00:00+00'", "'00:00:00-15:59'", "'12:34:56.789+05:30'", "'01:02:03+14:59'")),
                new Case("timestamp", List.of("'infinity'", "'-infinity'", "'4713-01-01 00:00:00 BC'", "'294276-12-31 23:59:59.999999'",
                        "'2000-01-01 00:00:00.000001'", "'0005-02-29 10:00 BC'", "'4714-11-24 00:00:00 BC'")),
                new Case("timestamp(3)", List.of("'2020-05-06 07:08:09.123'")),
                new Case("timestamp with time zone", List.of("'infinity'", "'-infinity'", "'4713-01-01 00:00:00+00 BC'",
                        "'294276-12-31 23:59:59.999999+00'", "'1900-01-01 00:00:00+00'", "'2024-03-31 02:30:00+02'", "'4714-11-24 00:00:00+00 BC'")),
                new Case("interval", List.of("'1 year 2 mons 3 days 04:05:06.789'", "'-178000000 years'", "'178000000 years'", "'0'",
                        "'-1 days +02:03'", "'1 mon -1 day'", "'00:00:00.000001'")),
                new Case("json", List.of("'{\"a\": 2.50, \"a\": 1}'", "'[]'", "'\"x\"'", "'null'", "'  {\"x\" : 1 }  '",
                        "'{\"k\": \"v\\twith \\\"escapes\\\"\"}'")),
                new Case("jsonb", List.of("'{\"a\": 2.50}'", "'[]'", "'null'", "'{\"é\": \"😀\", \"n\": [1, null]}'", "'\"{{env:HOME}}\"'")),
                new Case("xml", List.of("'<a b=\"1\">t &amp; u</a>'", "'text only'")),
                new Case("bit(8)", List.of("B'10101010'", "B'00000000'")),
                new Case("bit varying", List.of("B''", "B'1'", "B'0101010101'")),
                new Case("inet", List.of("'192.168.0.1'", "'::1'", "'10.0.0.1/8'", "'2001:db8::ff00:42:8329/64'")),
                new Case("cidr", List.of("'10.0.0.0/8'", "'::/0'", "'192.168.1.0/24'")),
                new Case("macaddr", List.of("'08:00:2b:01:02:03'")),
                new Case("macaddr8", List.of("'08:00:2b:01:02:03:04:05'")),
                new Case("point", List.of("'(1.5,2)'", "'(-0,1e-300)'")),
                new Case("line", List.of("'{1,2,3}'")),
                new Case("lseg", List.of("'[(1,2),(3,4)]'")),
                new Case("box", List.of("'(1,1),(0,0)'")),
                new Case("path", List.of("'[(0,0),(1,1)]'", "'((0,0),(1,1),(2,0))'")),
                new Case("polygon", List.of("'((0,0),(1,1),(1,0))'")),
                new Case("circle", List.of("'<(1,2),3>'")),
                new Case("tsvector", List.of("'a:1 fat:2 ''it''''s'':3'")),
                new Case("tsquery", List.of("'fat & (rat | cat)'")),
                new Case("int4range", List.of("'[1,5)'", "'empty'", "'(,)'")),
                new Case("int8range", List.of("'[-9223372036854775808,9223372036854775807)'")),
                new Case("numrange", List.of("'(1.50,NaN)'".replace("NaN", "2.5"), "'[,3]'")),
                new Case("tsrange", List.of("'[2020-01-01 00:00,infinity)'")),
                new Case("tstzrange", List.of("'[2020-01-01 00:00+00,2020-01-02 00:00+00)'")),
                new Case("daterange", List.of("'[2020-01-01,2020-02-01)'", "'[-infinity,infinity)'")),
                new Case("int4multirange", List.of("'{[1,3), [5,7)}'", "'{}'")),
                new Case("datemultirange", List.of("'{[2020-01-01,2020-01-05)}'")),
                new Case("oid", List.of("4294967295", "0")),
                new Case("pg_lsn", List.of("'16/B374D848'")),
                new Case(schema + ".mood", List.of("'happy'", "'it''s {complicated}'")),
                new Case(schema + ".posint", List.of("1", "2147483647")),
                new Case(schema + ".label", List.of("'a label'", "''")),
                new Case(schema + ".code", List.of("'abc'", "'a'")),
                new Case(schema + ".small_code", List.of("'xyz'")),
                new Case(schema + ".pair", List.of("'(1,\"x, y\")'", "'(,)'", "'(2,\"\")'")),
                new Case("integer[]", List.of("'{1,NULL,3}'", "'{}'", "'{{1,2},{3,4}}'", "'[0:1]={1,2}'", "'{{{1}}}'")),
                new Case("smallint[]", List.of("'{-32768,32767}'")),
                new Case("bigint[]", List.of("'{9223372036854775807,NULL}'")),
                new Case("text[]", List.of("'{\"a,b\",\"\",\"NULL\",NULL,\"\\\"q\\\"\",\"{x}\",\" sp \"}'", "'{{a,b},{c,d}}'")),
                new Case("character(3)[]", List.of("'{\"ab \",x}'")),
                new Case("character varying(3)[]", List.of("'{abc,\"\"}'")),
                new Case("numeric[]", List.of("'{1.50,NaN,Infinity,-0.001}'", "'{1.5,2.25}'")),
                new Case("boolean[]", List.of("'{t,f,NULL}'")),
                new Case("real[]", List.of("'{NaN,-0,0.1,3.4028235e38}'")),
                new Case("double precision[]", List.of("'{NaN,Infinity,-Infinity,-0,0.1}'")),
                new Case("date[]", List.of("'{infinity,-infinity,\"0001-01-01 BC\",2024-02-29}'")),
                new Case("time[]", List.of("'{24:00:00,00:00:00.000001}'")),
                new Case("time with time zone[]", List.of("'{24:00:00+00,12:00:00-03:30}'")),
                new Case("timestamp[]", List.of("'{infinity,\"2000-01-01 00:00:00.000001\",\"0044-03-15 12:00:00 BC\"}'")),
                new Case("timestamp with time zone[]", List.of("'{-infinity,\"2020-01-01 00:00:00+00\"}'")),
                new Case("bytea[]", List.of("'{\"\\\\x00ff\",NULL,\"\\\\x\"}'")),
                new Case("uuid[]", List.of("'{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}'")),
                new Case("jsonb[]", List.of("ARRAY['{\"a\": 1}'::jsonb, '[1, 2]'::jsonb, NULL]")),
                new Case("json[]", List.of("ARRAY['{\"a\" : 1}'::json, '\"s\"'::json]")),
                new Case("interval[]", List.of("'{\"1 day\",\"-00:00:01\"}'")),
                new Case("inet[]", List.of("'{192.168.0.1/24,::1}'")),
                new Case("box[]", List.of("'{(1,1),(0,0);(2,2),(1,1)}'")),
                new Case("int4range[]", List.of("'{\"[1,2)\",empty}'")),
                new Case(schema + ".mood[]", List.of("'{happy,\"it''s {complicated}\",NULL}'")),
                new Case(schema + ".pair[]", List.of("ARRAY['(1,x)'::" + schema + ".pair, NULL]"))));
        return cases;
    }
}
