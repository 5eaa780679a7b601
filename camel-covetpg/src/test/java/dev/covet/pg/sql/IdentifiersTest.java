package dev.covet.pg.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.covet.pg.testdb.TestDatabase;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class IdentifiersTest {

    @Test
    @Tag("fast")
    void plainQuotedAndQualifiedNamesPass() {
        assertThat(Identifiers.table("orders", "table")).isEqualTo("orders");
        assertThat(Identifiers.table("sales.Orders_2024$", "table")).isEqualTo("sales.Orders_2024$");
        assertThat(Identifiers.table("\"Sales\".\"Order Lines\"", "table")).isEqualTo("\"Sales\".\"Order Lines\"");
        assertThat(Identifiers.table("\"user\"", "table")).isEqualTo("\"user\"");
        assertThat(Identifiers.columns("id, full_name,\"Weird, Name\"", "columns")).containsExactly("id", "full_name", "\"Weird, Name\"");
        assertThat(Identifiers.table("a".repeat(63), "table")).hasSize(63);
    }

    @Test
    @Tag("fast")
    void injectionAttemptsAndMalformedNamesAreRejected() {
        List<String> hostile = List.of("users; DROP TABLE x", "\"a\"\"b\"", "", " ", "a\0b", "a".repeat(64), "é".repeat(32) + "x",
                "orders--", "orders/*", "o'rders", "1orders", "a.b.c", "\"unterminated", "\"\"", "select", "user", "a b",
                "orders)", "x\"; DROP TABLE y; --", "\"tab\there\"", "$1", "orders,", "(SELECT 1)");
        for (String name : hostile) {
            assertThatThrownBy(() -> Identifiers.table(name, "table")).as(name).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Invalid table");
        }
        assertThatThrownBy(() -> Identifiers.columns("id,id", "columns")).hasMessageContaining("named twice");
        // the same name as the server sees it: unquoted names fold to lower case
        assertThatThrownBy(() -> Identifiers.names("Orders,orders", "channel")).hasMessageContaining("Invalid channel")
                .hasMessageContaining("named twice");
        assertThatThrownBy(() -> Identifiers.names("Orders,\"orders\"", "channel")).hasMessageContaining("named twice");
        assertThat(Identifiers.names(" a , \"A\" ,b", "channel")).containsExactly("a", "\"A\"", "b");
        assertThatThrownBy(() -> Identifiers.columns("id,,name", "columns")).hasMessageContaining("empty name");
        assertThatThrownBy(() -> Identifiers.table("select", "table")).hasMessageContaining("reserved word")
                .hasMessageContaining("\"select\"");
        // a lone surrogate has no UTF-8 form: the server would get "a?b", another name
        for (String lone : List.of("\"a\uD800b\"", "\"\uDC00\"", "\"x\uD83D\"")) {
            assertThatThrownBy(() -> Identifiers.table(lone, "table")).as(lone).hasMessageContaining("lone UTF-16 surrogate");
        }
        // a pair is one character, and a name like any other
        assertThat(Identifiers.table("\"a\uD83D\uDE00b\"", "table")).isNotNull();
    }

    @Test // not fast: it reads the server's key words
    void theReservedWordsAreTheServersOwn() {
        Set<String> server = new HashSet<>();
        for (Map<String, Object> row : TestDatabase.shared().query("SELECT word FROM pg_get_keywords() WHERE catcode IN ('R', 'T')")) {
            server.add((String) row.get("word"));
        }
        // every word the server reserves is refused unquoted (our list may hold newer versions' words too)
        for (String word : server) {
            assertThatThrownBy(() -> Identifiers.table(word, "table")).as(word).hasMessageContaining("reserved word");
        }
    }
}
