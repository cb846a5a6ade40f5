package io.safelock.demo.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void readsTheServicesAnswers() {
        Object parsed = Json.parse("""
                {"success": true, "remaining_stock": -4, "price": 999.00, "error": null,
                 "failed_nodes": {"127.0.0.1:7003": "connection"}, "list": [1, "two", false], "text": "a\\"b\\u00e9\\n"}""");

        assertThat(parsed).isInstanceOf(Map.class);
        Map<?, ?> map = (Map<?, ?>) parsed;
        assertThat(map.get("success")).isEqualTo(true);
        assertThat(map.get("remaining_stock")).isEqualTo(new BigDecimal("-4"));
        assertThat(map.get("price")).isEqualTo(new BigDecimal("999.00"));
        assertThat(map.containsKey("error")).isTrue();
        assertThat(map.get("error")).isNull();
        assertThat(map.get("failed_nodes")).isEqualTo(Map.of("127.0.0.1:7003", "connection"));
        assertThat(map.get("list")).isEqualTo(List.of(new BigDecimal("1"), "two", false));
        assertThat(map.get("text")).isEqualTo("a\"b\u00e9\n");
    }

    @Test
    void refusesWhatIsNotJson() {
        assertThatThrownBy(() -> Json.parse("{\"a\": 1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Json.parse("<html>")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Json.parse("{} x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aReplyThatIsNotJsonHasNoFields() {
        Reply reply = new Reply(0, "ConnectException: Connection refused");

        assertThat(reply.json()).isEmpty();
        assertThat(reply.text("error")).isNull();
        assertThat(reply.ok()).isFalse();
    }

    @Test
    void quotesStringsForRequestBodies() {
        assertThat(Json.quote("a\"b\\c\n")).isEqualTo("\"a\\\"b\\\\c\\n\"");
        assertThat(Json.parse(Json.quote("tab\there"))).isEqualTo("tab\there");
    }
}
