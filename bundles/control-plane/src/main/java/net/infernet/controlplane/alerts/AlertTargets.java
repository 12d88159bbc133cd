package net.infernet.controlplane.alerts;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import net.infernet.store.AccountRecord;
import net.infernet.store.NodeRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a node's alerts go: the global webhooks plus those of the node's operator (its delegating user key, else
 * its own key; there are no accounts yet). A malformed entry of the configuration is logged without its URL and left
 * out; the rest still works.
 */
public record AlertTargets(List<Webhook> global, Map<String, List<Webhook>> byOperator) {
    private static final Logger LOG = LoggerFactory.getLogger(AlertTargets.class);
    private static final Pattern OPERATOR = Pattern.compile("[0-9a-f]{64}");

    public AlertTargets {
        global = List.copyOf(global);
        byOperator = Map.copyOf(byOperator);
    }

    public static AlertTargets of(AlertConfig config) {
        return parse(config.slack_webhook_url(), config.discord_webhook_url(), config.operator_webhooks());
    }

    /** @param operators {@code operatorKey=url,...}; a url may start with {@code slack:} or {@code discord:} */
    public static AlertTargets parse(String slack, String discord, String operators) {
        List<Webhook> global = new ArrayList<>();
        one(Optional.of(Webhook.Kind.SLACK), slack, "setting=slack.webhook.url").ifPresent(global::add);
        one(Optional.of(Webhook.Kind.DISCORD), discord, "setting=discord.webhook.url").ifPresent(global::add);
        Map<String, List<Webhook>> byOperator = new LinkedHashMap<>();
        String[] entries = operators == null ? new String[0] : operators.split("[,\\s]+");
        int n = 0;
        for (String entry : entries) {
            if (entry.isEmpty()) {
                continue;
            }
            n++;
            int eq = entry.indexOf('=');
            String operator = eq < 0 ? "" : entry.substring(0, eq).trim();
            if (!OPERATOR.matcher(operator).matches()) {
                // the entry itself is not logged: it may be a webhook URL that lost its key
                LOG.warn("event=alert_webhook_ignored setting=operator.webhooks entry={} reason=\"not operatorKey=url "
                        + "with a 64-hex operator key\"", n);
                continue;
            }
            String url = entry.substring(eq + 1).trim();
            Optional<Webhook.Kind> kind = Optional.empty();
            for (Webhook.Kind k : Webhook.Kind.values()) {
                if (url.startsWith(k.wire() + ":") && !url.startsWith(k.wire() + "://")) {
                    kind = Optional.of(k);
                    url = url.substring(k.wire().length() + 1);
                }
            }
            one(kind, url, "setting=operator.webhooks entry=" + n)
                    .ifPresent(w -> byOperator.computeIfAbsent(operator, k -> new ArrayList<>()).add(w));
        }
        return new AlertTargets(global, byOperator);
    }

    private static Optional<Webhook> one(Optional<Webhook.Kind> kind, String url, String where) {
        if (url == null || url.isBlank()) {
            return Optional.empty();
        }
        StringBuilder why = new StringBuilder();
        Optional<Webhook> hook = kind.isPresent() ? Webhook.parse(kind.get(), url, why)
                : Webhook.parse(Webhook.Kind.SLACK, url, why)
                        .map(w -> new Webhook(Webhook.kindOf(w.uri()), w.uri()));
        if (hook.isEmpty()) {
            LOG.warn("event=alert_webhook_ignored {} reason=\"{}\"", where, why);
        }
        return hook;
    }

    public boolean isEmpty() {
        return global.isEmpty() && byOperator.isEmpty();
    }

    /** The webhooks that hear of this node. */
    public List<Webhook> of(NodeRecord node) {
        return of(node, Map.of());
    }

    /** The webhooks that hear of this node, its operator's account's ({@code accounts}, by Nostr key) included. */
    public List<Webhook> of(NodeRecord node, Map<String, List<Webhook>> accounts) {
        List<Webhook> out = new ArrayList<>(global);
        out.addAll(byOperator.getOrDefault(node.operator(), List.of()));
        out.addAll(accounts.getOrDefault(node.operator(), List.of()));
        return out;
    }

    /** The webhooks of accounts set in the dashboard, by the account's Nostr key (its nodes' operator key). */
    public static Map<String, List<Webhook>> ofAccounts(List<AccountRecord> accounts) {
        Map<String, List<Webhook>> out = new LinkedHashMap<>();
        for (AccountRecord a : accounts) {
            if (a.nostrPubkey().isEmpty()) {
                continue;
            }
            List<Webhook> hooks = new ArrayList<>();
            StringBuilder why = new StringBuilder();
            a.slackUrl().flatMap(u -> Webhook.parse(Webhook.Kind.SLACK, u, why)).ifPresent(hooks::add);
            a.discordUrl().flatMap(u -> Webhook.parse(Webhook.Kind.DISCORD, u, why)).ifPresent(hooks::add);
            if (!hooks.isEmpty()) {
                out.put(a.nostrPubkey().get(), List.copyOf(hooks));
            }
        }
        return out;
    }

    /** How many webhooks in all, for the start-up log. */
    public int count() {
        return global.size() + byOperator.values().stream().mapToInt(List::size).sum();
    }
}
