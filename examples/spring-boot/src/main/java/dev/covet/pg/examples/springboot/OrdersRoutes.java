package dev.covet.pg.examples.springboot;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * The application's route: make a day's orders, load them by COPY, sum them up. A Spring bean,
 * so camel-spring-boot adds it to the CamelContext; the component it uses is configured by
 * application.properties alone.
 */
@Component
public class OrdersRoutes extends RouteBuilder {

    static final String LOAD = "direct:load-orders";

    @Override
    public void configure() {
        from(LOAD).routeId("load-orders")
                .setVariable("count", body())
                .to("covetpg:query?sql=CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY, day date NOT NULL, total numeric(12,2) NOT NULL)")
                .to("covetpg:query?sql=TRUNCATE orders")
                .setBody(variable("count")).bean(OrdersRoutes.class, "orders")
                .to("covetpg:copy?table=orders&columns=id,day,total")
                .to("covetpg:query?sql=SELECT count(*) AS orders, sum(total) AS total, min(day) AS first, max(day) AS last FROM orders&outputType=SelectOne");
    }

    /** The orders of a run: ids 1..count over 30 days, totals 0.25 to 249.25. */
    public static List<List<Object>> orders(int count) {
        List<List<Object>> rows = new ArrayList<>(count);
        LocalDate first = LocalDate.of(2026, 1, 1);
        for (int id = 1; id <= count; id++) {
            rows.add(List.of((long) id, first.plusDays(id % 30), BigDecimal.valueOf(id % 997, 2).multiply(BigDecimal.valueOf(25))));
        }
        return rows;
    }
}
