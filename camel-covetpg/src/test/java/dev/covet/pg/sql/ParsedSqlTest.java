package dev.covet.pg.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Where a statement ends, so that it can be written inside other SQL (the skipLocked claim). */
@Tag("fast")
class ParsedSqlTest {

    @Test
    void aTrailingSemicolonIsDroppedAndCommentsStay() {
        assertThat(NamedParameters.parse("SELECT 1").asSubquery()).isEqualTo("SELECT 1");
        assertThat(NamedParameters.parse("SELECT 1;").asSubquery()).isEqualTo("SELECT 1");
        assertThat(NamedParameters.parse("SELECT 1 ; -- done\n /* really */ ").asSubquery()).isEqualTo("SELECT 1  -- done\n /* really */ ");
        assertThat(NamedParameters.parse("SELECT ';' AS s, $$;$$ AS d, \";\" -- ;\nFROM t").asSubquery())
                .isEqualTo("SELECT ';' AS s, $$;$$ AS d, \";\" -- ;\nFROM t");
    }

    @Test
    void moreSqlAfterASemicolonIsSeveralStatements() {
        assertThatThrownBy(() -> NamedParameters.parse("SELECT 1; DELETE FROM t").asSubquery()).hasMessageContaining("several statements");
        assertThatThrownBy(() -> NamedParameters.parse("SELECT 1;;").asSubquery()).hasMessageContaining("several statements");
        assertThatThrownBy(() -> NamedParameters.parse("SELECT 1; 'x'").asSubquery()).hasMessageContaining("several statements");
        assertThat(NamedParameters.parse("SELECT 1; DELETE FROM t").semicolon()).isEqualTo(ParsedSql.SEVERAL_STATEMENTS);
    }
}
