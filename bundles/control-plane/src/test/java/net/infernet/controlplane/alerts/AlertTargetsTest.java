package net.infernet.controlplane.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.infernet.controlplane.testing.TestNode;
import org.junit.jupiter.api.Test;

/** The webhook configuration: malformed entries logged without their URL and left out, formats, per operator. */
class AlertTargetsTest {
    private static final String OP = "a".repeat(64);
    private static final String OTHER = "b".repeat(64);

    /** What the configuration logs while {@code run} parses it (slf4j-simple writes to System.err). */
    private static String logOf(Runnable run) {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            run.run();
        } finally {
            System.setErr(err);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        err.print(log);
        return log;
    }

    @Test
    void malformedWebhookUrlsAreLoggedWithoutTheirSecretAndIgnored() {
        AlertTargets[] parsed = new AlertTargets[1];
        String log = logOf(() -> parsed[0] = AlertTargets.parse("ftp://hooks.slack.com/services/SECRET1",
                "https://user:SECRET2@discord.com/api/webhooks/1/x",
                String.join(",", "SECRET3-no-key", "abc=https://hooks.slack.com/SECRET4",
                        OP + "=javascript:alert(SECRET5)", OP + "=https://hooks.slack.com/services/T/B/good",
                        OP + "=https://[bad/SECRET6", OP + "=discord:https://discord.com/api/webhooks/2/alsogood",
                        OTHER + "=//no-scheme/SECRET7", OTHER + "=https:///SECRET8",
                        OTHER + "=https://example.org/hook#SECRET9")));
        AlertTargets t = parsed[0];
        assertEquals(List.of(), t.global());
        assertEquals(2, t.count(), t.toString());
        assertEquals(List.of(Webhook.Kind.SLACK, Webhook.Kind.DISCORD),
                t.byOperator().get(OP).stream().map(Webhook::kind).toList());
        assertFalse(t.byOperator().containsKey(OTHER));
        for (int i = 1; i <= 9; i++) {
            assertFalse(log.contains("SECRET" + i), "a rejected URL's secret part never reaches the log: " + log);
        }
        assertEquals(9, log.split("event=alert_webhook_ignored", -1).length - 1, log);
        assertFalse(log.contains("/services/T/B/good") || log.contains("alsogood"), log);
    }

    @Test
    void theFormatFollowsTheSettingThePrefixOrTheHost() {
        AlertTargets t = AlertTargets.parse("https://hooks.slack.com/services/T/B/x",
                "https://discord.com/api/webhooks/1/y", OP + "=https://discordapp.com/api/webhooks/3/z "
                        + OP + "=https://chat.example.org/hooks/1, " + OTHER + "=discord:http://127.0.0.1:9/d");
        assertEquals(List.of(Webhook.Kind.SLACK, Webhook.Kind.DISCORD),
                t.global().stream().map(Webhook::kind).toList());
        assertEquals(List.of(Webhook.Kind.DISCORD, Webhook.Kind.SLACK),
                t.byOperator().get(OP).stream().map(Webhook::kind).toList());
        assertEquals(Webhook.Kind.DISCORD, t.byOperator().get(OTHER).get(0).kind());
        assertFalse(t.global().get(0).toString().contains("/services/"), "toString shows the host only");
        assertTrue(AlertTargets.parse("", " ", "").isEmpty());
    }

    @Test
    void payloadsAreTheDocumentedIncomingWebhookFormatsAndCannotMentionOrLink() throws Exception {
        Webhook slack = AlertTargets.parse("https://hooks.slack.com/services/T/B/x", "", "").global().get(0);
        Webhook discord = AlertTargets.parse("", "https://discord.com/api/webhooks/1/y", "").global().get(0);
        var s = TestNode.JSON.readTree(slack.payload("node <!channel> & <https://evil|click>"));
        assertEquals("node &lt;!channel&gt; &amp; &lt;https://evil|click&gt;", s.get("text").asText());
        assertEquals(1, s.size());
        var d = TestNode.JSON.readTree(discord.payload("node @everyone"));
        assertEquals("node @everyone", d.get("content").asText());
        assertEquals(0, d.at("/allowed_mentions/parse").size(), "no mention is parsed");
    }
}
