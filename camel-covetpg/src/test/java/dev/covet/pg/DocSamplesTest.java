package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.covet.pg.client.SslMode;
import dev.covet.pg.tx.CovetPgTransactionPolicy;
import dev.covet.pg.tx.IsolationLevel;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * Samples of the docs that run here as they stand there (the test fails when the two differ),
 * and the doc structure other pages rely on.
 */
class DocSamplesTest extends CovetPgTestSupport {

    private static final Path DOCS = DocPages.DOCS;
    private static final Path THIS_SOURCE = Path.of("src", "test", "java", "dev", "covet", "pg", "DocSamplesTest.java");

    /** The sample of docs/configuration.md, "Transactions across route steps": keep it identical to the doc's. */
    private static final class TransferSample extends RouteBuilder {
        @Override
        public void configure() {
            CamelContext context = getContext();
            // --- the sample, as in the doc ---
            CovetPgTransactionPolicy tx = new CovetPgTransactionPolicy();   // componentName "covetpg" by default
            tx.setIsolationLevel(IsolationLevel.SERIALIZABLE);              // optional; readOnly too
            context.getRegistry().bind("covetpgTx", tx);

            from("direct:transfer")                                         // body: a Map of from, to and amount (a BigDecimal)
                .transacted("covetpgTx")
                .to("covetpg:query?sql=UPDATE account SET balance = balance - :#amount WHERE id = :#from")
                .to("covetpg:query?sql=RAW(UPDATE account SET balance = balance + :#amount WHERE id = :#to)")   // RAW: Camel reads + in a URI as a space
                .setBody(e -> {                                             // an UPDATE leaves the body; covetpg:batch takes a List of rows
                    Map<?, ?> t = e.getMessage().getBody(Map.class);
                    BigDecimal amount = (BigDecimal) t.get("amount");
                    return List.of(List.of(t.get("from"), amount.negate()), List.of(t.get("to"), amount));
                })
                .to("covetpg:batch?table=ledger&columns=account,amount");
            // --- end of the sample ---
        }
    }

    @Test
    void theTransferSampleIsTheDocsAndMovesMoneyAllOrNothing() throws Exception {
        String sample = firstJavaBlockAfter(Files.readString(DOCS.resolve("configuration.md")), "## Transactions across route steps");
        String source = Files.readString(THIS_SOURCE);
        assertThat(DocPages.normalized(source)).as("docs/configuration.md's transfer sample is the one this test runs").contains(DocPages.normalized(sample));
        String readme = Files.readString(Path.of("..", "README.md"));
        int from = readme.indexOf("from(\"direct:transfer\")");
        assertThat(from).as("the README's transfer sample").isPositive();
        String readmeStatement = readme.substring(from, readme.indexOf(';', from));
        assertThat(DocPages.normalized(source)).as("the README's transfer sample is the start of the doc's").contains(DocPages.normalized(readmeStatement));

        // the sample's tables, in a schema of its own so that the names it uses cannot meet another test's
        String schema = table("transfer");
        db.execute("CREATE SCHEMA " + schema,
                "CREATE TABLE " + schema + ".account (id int PRIMARY KEY, balance numeric NOT NULL CHECK (balance >= 0))",
                "CREATE TABLE " + schema + ".ledger (account int NOT NULL, amount numeric NOT NULL)",
                "INSERT INTO " + schema + ".account VALUES (1, 100), (2, 0)");
        CamelContext context = startContext(c -> c.getServerSettings().put("search_path", schema), new TransferSample());

        Exchange moved = send(context, "direct:transfer", Map.of("from", 1, "to", 2, "amount", new BigDecimal("30.00")));
        assertThat(moved.getException()).isNull();
        assertThat(db.queryValue("SELECT string_agg(id || '=' || balance, ',' ORDER BY id) FROM " + schema + ".account"))
                .isEqualTo("1=70.00,2=30.00");
        assertThat(db.queryValue("SELECT string_agg(account || ':' || amount, ',' ORDER BY amount) FROM " + schema + ".ledger"))
                .isEqualTo("1:-30.00,2:30.00");

        // more than the balance: the CHECK fails the first UPDATE, and nothing of the transfer stays
        Exchange refused = send(context, "direct:transfer", Map.of("from", 1, "to", 2, "amount", new BigDecimal("1000")));
        assertThat(refused.getException()).isInstanceOf(dev.covet.pg.client.CovetPgException.class);
        assertThat(((dev.covet.pg.client.CovetPgException) refused.getException()).getSqlState()).isEqualTo("23514");
        assertThat(db.queryValue("SELECT string_agg(id || '=' || balance, ',' ORDER BY id) FROM " + schema + ".account"))
                .isEqualTo("1=70.00,2=30.00");
        assertThat(db.queryValue("SELECT count(*) FROM " + schema + ".ledger")).isEqualTo(2L);
    }

    /** docs/security.md holds the one table of TLS modes, a row for each; other pages link to it. */
    @Test
    void theTlsModesAreTabledOnceInSecurityMd() throws IOException {
        String security = Files.readString(DOCS.resolve("security.md"));
        for (SslMode mode : SslMode.values()) {
            String row = "| `" + mode.libpqName() + "` ";
            assertThat(security).as("security.md's TLS table has a row for " + mode).contains(row);
        }
        for (Path page : DocPages.pages()) {
            if (page.endsWith("security.md")) {
                continue;
            }
            String text = Files.readString(page);
            assertThat(text).as(page + " has no TLS mode table of its own").doesNotContain("| `allow` |").doesNotContain("| `verify-full` |");
        }
        assertThat(Files.readString(DOCS.resolve("configuration.md"))).contains("security.md#tls-modes");
        assertThat(Files.readString(DOCS.resolve("production-guide.md"))).contains("security.md#tls-modes");
    }

    private static String firstJavaBlockAfter(String doc, String heading) {
        int at = doc.indexOf(heading);
        assertThat(at).as(heading).isNotNegative();
        int start = doc.indexOf("```java\n", at) + "```java\n".length();
        return doc.substring(start, doc.indexOf("```", start));
    }
}
