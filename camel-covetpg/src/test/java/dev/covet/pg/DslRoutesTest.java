package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RoutesDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.xml.in.ModelParser;
import org.junit.jupiter.api.Test;

/**
 * covetpg in routes written in YAML and XML, loaded from files the way a user's application
 * loads them, run against the test database.
 */
class DslRoutesTest extends CovetPgTestSupport {

    @Test
    void yamlRouteBindsAHeaderAndConfiguresAComponentFromPlaceholders() throws Exception {
        CamelContext context = newContext(c -> { });
        Properties props = new Properties();
        props.setProperty("dsl.db.url", db.url());
        props.setProperty("dsl.db.password", db.password());
        props.setProperty("dsl.application-name", "covetpg-yaml-dsl");
        context.getPropertiesComponent().setInitialProperties(props);
        Resource yaml = PluginHelper.getResourceLoader(context).resolveResource("classpath:routes/covetpg-route.camel.yaml");
        PluginHelper.getRoutesLoader(context).loadRoutes(yaml);
        context.start();

        ProducerTemplate template = template(context);
        assertThat(template.requestBodyAndHeader("direct:yaml-double", null, "n", 21)).isEqualTo(42);
        assertThat(template.requestBodyAndHeader("direct:yaml-double", null, "n", -7)).isEqualTo(-14);

        Exchange out = template.request("direct:yaml-application-name", e -> { });
        assertThat(out.getException()).isNull();
        assertThat(out.getMessage().getBody(Map.class)).isEqualTo(Map.of("name", "covetpg-yaml-dsl"));
        assertThat(out.getMessage().getHeader(CovetPgConstants.ROW_COUNT)).isEqualTo(1L);
        CovetPgComponent covetpg2 = context.getComponent("covetpg2", CovetPgComponent.class);
        assertThat(covetpg2.getConfiguration().getMaxPoolSize()).isEqualTo(2);
        assertThat(covetpg2.getPoolStatistics().size()).isBetween(1, 2);
    }

    @Test
    void xmlRoutesInsertWithPositionalParametersAndFindWithANamedOne() throws Exception {
        String table = table("dsl_xml");
        db.execute("CREATE TABLE " + table + " (id int PRIMARY KEY, name text NOT NULL)");
        CamelContext context = newContext(c -> { });
        context.getPropertiesComponent().addInitialProperty("dsl.table", table);
        Resource xml = PluginHelper.getResourceLoader(context).resolveResource("classpath:routes/covetpg-route.xml");
        RoutesDefinition routes = new ModelParser(xml).parseRoutesDefinition().orElseThrow();
        ((ModelCamelContext) context).addRouteDefinitions(routes.getRoutes());
        context.start();

        ProducerTemplate template = template(context);
        for (Object[] row : new Object[][] { { 1, "ada" }, { 2, "grace" }, { 3, "edsger" } }) {
            Exchange out = template.request("direct:xml-insert", e -> e.getMessage().setBody(List.of(row)));
            assertThat(out.getException()).isNull();
            assertThat(out.getMessage().getHeader(CovetPgConstants.UPDATE_COUNT)).isEqualTo(1L);
            assertThat(out.getMessage().getBody()).isEqualTo(List.of(row));
        }
        assertThat(db.query("SELECT id, name FROM " + table + " ORDER BY id"))
                .containsExactly(Map.of("id", 1, "name", "ada"), Map.of("id", 2, "name", "grace"), Map.of("id", 3, "name", "edsger"));

        Object found = template.requestBody("direct:xml-find", Map.of("name", "grace"));
        assertThat(found).isEqualTo(Map.of("id", 2, "name", "grace"));
        assertThat(template.requestBody("direct:xml-find", Map.of("name", "nobody"))).isNull();
    }
}
