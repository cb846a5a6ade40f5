package io.safelock.demo.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReplyTest {

    @Test
    void readsTheFieldsOfAJsonObject() {
        Reply reply = new Reply(200, """
                {"success": true, "remaining_stock": -4, "fencing_token": 9007199254740993, "price": 999.00,
                 "error": "Out of stock", "nested": {"a": [1, "two", false]}}""");

        assertThat(reply.ok()).isTrue();
        assertThat(reply.json().get("success")).isEqualTo(true);
        assertThat(reply.number("remaining_stock")).isEqualTo(-4);
        assertThat(reply.number("fencing_token")).isEqualTo(9007199254740993L);
        assertThat(reply.text("price")).isEqualTo("999.00");
        assertThat(reply.text("error")).isEqualTo("Out of stock");
        assertThatThrownBy(() -> reply.number("error")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aReplyThatIsNotAJsonObjectHasNoFields() {
        for (String body : new String[] {"ConnectException: Connection refused", "", "[1, 2]", "null", "{\"a\": 1", "<html>"}) {
            Reply reply = new Reply(0, body);
            assertThat(reply.json()).as(body).isEmpty();
            assertThat(reply.text("error")).isNull();
            assertThat(reply.ok()).isFalse();
        }
    }
}
