package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;

class QueryProducerTest extends CovetPgTestSupport {

    @Test
    void selectListReturnsRowsInColumnOrder() throws Exception {
        CamelContext context = startContext(c -> { });
        Exchange out = send(context, "covetpg:query?sql=SELECT 1 AS a, 'x' AS b UNION ALL SELECT 2, 'y' ORDER BY a", null);
        assertThat(out.getException()).isNull();
        List<Map<String, Object>> rows = out.getMessage().getBody(List.class);
        assertThat(rows).containsExactly(Map.of("a", 1, "b", "x"), Map.of("a", 2, "b", "y"));
        assertThat(rows.get(0).keySet()).containsExactly("a", "b");
        assertThat(out.getMessage().getHeader(CovetPgConstants.ROW_COUNT)).isEqualTo(2L);
    }
}
