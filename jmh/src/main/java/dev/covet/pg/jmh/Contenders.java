package dev.covet.pg.jmh;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.covet.pg.CovetPgComponent;
import dev.covet.pg.testdb.TestDatabase;

/** The pools every benchmark builds the same way for the same server: TLS off, sizes as given. */
final class Contenders {

    private Contenders() {
    }

    /** A covetpg component on {@code db} with a pool of {@code min}..{@code max} connections. */
    static CovetPgComponent covetpg(TestDatabase db, int min, int max) {
        CovetPgComponent covetpg = new CovetPgComponent();
        covetpg.getConfiguration().setUrl(db.url());
        covetpg.getConfiguration().setPassword(db.password());
        covetpg.getConfiguration().setSslMode("disable");
        covetpg.getConfiguration().setMinPoolSize(min);
        covetpg.getConfiguration().setMaxPoolSize(max);
        // -DcompletionThreads=N (with -jvmArgsAppend) to compare pool sizes; 0, the default, is one per processor
        covetpg.getConfiguration().setCompletionThreads(Integer.getInteger("completionThreads", 0));
        return covetpg;
    }

    /** A HikariCP pool over pgjdbc on {@code db}, for camel-sql. */
    static HikariDataSource hikari(TestDatabase db, int minIdle, int max, boolean autoCommit) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(db.jdbcUrl());
        config.setUsername(db.user());
        config.setPassword(db.password());
        config.addDataSourceProperty("sslmode", "disable");
        config.setMaximumPoolSize(max);
        config.setMinimumIdle(minIdle);
        config.setAutoCommit(autoCommit);
        return new HikariDataSource(config);
    }
}
