package net.infernet.controlplane.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * One incoming webhook. Its URL is a secret (Slack's and Discord's carry their token in the path): only
 * {@link #host()} may be logged, and {@link #toString()} shows nothing else.
 */
public record Webhook(Kind kind, URI uri) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public enum Kind {
        /** Slack's incoming webhook: {@code {"text": ...}}. */
        SLACK,
        /** Discord's webhook: {@code {"content": ...}}, no mentions. */
        DISCORD;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The webhook at {@code url}: an absolute http or https URL with a host and nothing of a user; empty (and the
     * reason in {@code why}) otherwise.
     */
    public static Optional<Webhook> parse(Kind kind, String url, StringBuilder why) {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (java.net.URISyntaxException e) {
            why.append("not a URL");
            return Optional.empty();
        }
        String scheme = Optional.ofNullable(uri.getScheme()).map(s -> s.toLowerCase(Locale.ROOT)).orElse("");
        if (!scheme.equals("https") && !scheme.equals("http")) {
            why.append("not an http or https URL");
        } else if (uri.getHost() == null || uri.getHost().isEmpty()) {
            why.append("no host");
        } else if (uri.getRawUserInfo() != null) {
            why.append("user information in the URL");
        } else if (uri.getRawFragment() != null) {
            why.append("a fragment in the URL");
        } else {
            return Optional.of(new Webhook(kind, uri));
        }
        return Optional.empty();
    }

    /** Discord for a discord.com or discordapp.com host, else Slack (its format is the common one). */
    public static Kind kindOf(URI uri) {
        String host = Optional.ofNullable(uri.getHost()).orElse("").toLowerCase(Locale.ROOT);
        return host.equals("discord.com") || host.endsWith(".discord.com") || host.equals("discordapp.com")
                || host.endsWith(".discordapp.com") ? Kind.DISCORD : Kind.SLACK;
    }

    /** What may be logged of the webhook: its host. */
    public String host() {
        return uri.getHost();
    }

    /** The message as this kind of webhook takes it. */
    public byte[] payload(String text) {
        ObjectNode body = JSON.createObjectNode();
        if (kind == Kind.SLACK) {
            // Slack reads &, < and > as control characters (links, mentions): escaped, a node name cannot use them
            body.put("text", text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"));
        } else {
            body.put("content", text);
            body.putObject("allowed_mentions").putArray("parse"); // a name like @everyone pings nobody
        }
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return kind.wire() + " webhook at " + host();
    }
}
