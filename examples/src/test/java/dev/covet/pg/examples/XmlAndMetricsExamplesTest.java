package dev.covet.pg.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.covet.pg.CovetPgComponent;
import dev.covet.pg.testdb.TestDatabase;
import dev.covet.pg.tx.CovetPgTransactionPolicy;
import java.io.File;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RoutesDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.xml.in.ModelParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The XML DSL routes (etl-routes.xml) and the Prometheus example, on small data. */
class XmlAndMetricsExamplesTest {

    private static final TestDatabase db = TestDatabase.shared();

    @Test
    void xmlRoutesLoadByCopyTransformInOneTransactionAndRollBackOnFailure(@TempDir Path dir) throws Exception {
        File orders = OrdersCsv.make(dir, 3000, 100, rows -> { }).file().toFile();
        try (CamelContext context = new DefaultCamelContext()) {
            CovetPgComponent covetpg = new CovetPgComponent();
            covetpg.getConfiguration().setUrl(db.url());
            covetpg.getConfiguration().setPassword(db.password());
            covetpg.getConfiguration().getServerSettings().put("client_min_messages", "warning");
            context.addComponent("covetpg", covetpg);
            context.getRegistry().bind("covetpgTx", new CovetPgTransactionPolicy());
            // the way a Camel application loads an XML route file, without camel-xml-io-dsl
            Resource xml = PluginHelper.getResourceLoader(context).resolveResource("classpath:etl-routes.xml");
            RoutesDefinition routes = new ModelParser(xml).parseRoutesDefinition().orElseThrow();
            ((ModelCamelContext) context).addRouteDefinitions(routes.getRoutes());
            context.start();
            ProducerTemplate template = context.createProducerTemplate();

            Exchange done = template.request("direct:xml-etl", e -> e.getMessage().setBody(orders));
            assertThat(done.getException()).isNull();
            assertThat(done.getMessage().getHeader("loaded", Long.class)).isEqualTo(3000L);
            assertThat(done.getMessage().getHeader("customers", Long.class)).isEqualTo(100L);
            List<String> lines = done.getMessage().getBody(String.class).lines().toList();
            assertThat(lines.get(0)).isEqualTo("customer_id,orders,total");
            assertThat(lines).hasSize(101);
            BigDecimal total = BigDecimal.ZERO;
            for (int g = 1; g <= 3000; g++) {
                total = total.add(BigDecimal.valueOf(g % 997).multiply(new BigDecimal("0.25")));
            }
            assertThat(lines.stream().skip(1).map(l -> new BigDecimal(l.split(",")[2])).reduce(BigDecimal.ZERO, BigDecimal::add))
                    .isEqualByComparingTo(total);
            // the second statement of the transaction: 3000 orders, order g on day (g / 1000) % 30
            assertThat(db.queryValue("SELECT min(days) FROM xml_etl_customers")).isEqualTo(3);

            // a failure after both statements rolls both back
            template.sendBody("direct:xml-etl-create", null);
            template.sendBody("covetpg:copy?table=xml_etl_orders&columns=id,customer_id,day,amount&format=csv", orders);
            Exchange failed = template.request("direct:xml-etl-transform", e -> e.getMessage().setHeader("failAfterInsert", true));
            assertThat(failed.getException()).isInstanceOf(IllegalStateException.class);
            assertThat(db.queryValue("SELECT count(*) FROM xml_etl_customers")).isEqualTo(0L);
            assertThat(covetpg.getPoolStatistics().inUse()).isZero();
        }
    }

    @Test
    void metricsExampleScrapesCovetpgMetersInPrometheusFormat() throws Exception {
        String scrape = MetricsExample.run(new ExampleDatabase(db.url(), db.password(), false, db.toString(), () -> { }));
        assertThat(scrape).contains("covetpg_operations");
        assertThat(scrape).containsPattern("covetpg_operations_seconds_count\\{[^}]*operation=\"query\"[^}]*outcome=\"success\"");
        assertThat(scrape).contains("covetpg_pool_size");
    }
}
