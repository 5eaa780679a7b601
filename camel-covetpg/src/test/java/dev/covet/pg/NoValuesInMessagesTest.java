package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.covet.pg.client.CovetPgException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One rule for every message covetpg makes: no row values. What the server says about a value
 * (its DETAIL, a refused literal, a COPY field) stays out of the message; the DETAIL is kept for
 * code in {@link CovetPgException#getDetail()}.
 */
class NoValuesInMessagesTest extends CovetPgTestSupport {

    private static final String SECRET = "4111-1111-1111-1111";

    private String cards;
    private CamelContext context;

    @BeforeEach
    void start() throws Exception {
        cards = table("cards");
        db.execute("CREATE TABLE " + cards + " (number text PRIMARY KEY, holder text NOT NULL, limit_cents int)",
                "INSERT INTO " + cards + " VALUES ('" + SECRET + "', 'Ada', 100)");
        context = startContext(c -> { });
    }


    @Test
    void aUniqueViolationKeepsItsKeyInTheDetailOnly() {
        Exchange out = send(context, "covetpg:query?sql=INSERT INTO " + cards + " VALUES ($1, $2, $3)", List.of(SECRET, "Bob", 1));
        CovetPgException e = (CovetPgException) out.getException();
        assertThat(e.getSqlState()).isEqualTo("23505");
        assertThat(messages(e)).doesNotContain(SECRET).contains(cards + "_pkey");
        assertThat(e.getDetail()).contains(SECRET);
    }

    @Test
    void aNotNullViolationDoesNotQuoteTheFailingRow() {
        Exchange out = send(context, "covetpg:query?sql=INSERT INTO " + cards + " VALUES ($1, $2, $3)", java.util.Arrays.asList("5500-secret", null, 1));
        assertThat(messages(out.getException())).doesNotContain("5500-secret").contains("holder");
    }

    @Test
    void aValueTheServerRefusesIsNotQuotedOnAnyPath() {
        String bad = "not-a-number-" + SECRET;
        Exchange query = send(context, "covetpg:query?sql=INSERT INTO " + cards + " VALUES ('x', 'y', $1::text::int)", List.of(bad));
        assertThat(messages(query.getException())).contains("22P02").doesNotContain(SECRET);
        Exchange copy = send(context, "covetpg:copy?format=text&sql=COPY " + cards + " FROM STDIN", "y\tz\t" + bad + "\n");
        assertThat(messages(copy.getException())).contains("22P02").contains("line 1").doesNotContain(SECRET);
        Exchange batch = send(context, "covetpg:batch?table=" + cards, List.of(Map.of("number", "n", "holder", "h", "limit_cents", bad)));
        assertThat(messages(batch.getException())).contains("does not fit integer").doesNotContain(SECRET);
    }

    @Test
    void aJsonErrorDoesNotQuoteTheDocument() {
        String t = table("docs");
        db.execute("CREATE TABLE " + t + " (doc jsonb)");
        Exchange out = send(context, "covetpg:batch?table=" + t, List.of(List.of("{\"password\": " + SECRET + "x}")));
        assertThat(messages(out.getException())).contains("22P02").contains("JSON data, line 1").doesNotContain(SECRET);
    }

    @Test
    void aBodyThatFailsMidCopySendsTheServerNoneOfItsText() {
        Iterator<List<Object>> failing = new Iterator<>() {
            private int n;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public List<Object> next() {
                if (n++ == 3) {
                    throw new IllegalStateException("upstream broke on card " + SECRET);
                }
                return List.of("c" + n, "h", n);
            }
        };
        Exchange copy = send(context, "covetpg:copy?table=" + cards, failing);
        // the route keeps its own exception as the cause; covetpg's message and the server's reason name only its type
        assertThat(copy.getException().getMessage()).contains("java.lang.IllegalStateException").doesNotContain(SECRET);
        assertThat(db.queryValue("SELECT count(*) FROM " + cards)).isEqualTo(1L);
    }
}
