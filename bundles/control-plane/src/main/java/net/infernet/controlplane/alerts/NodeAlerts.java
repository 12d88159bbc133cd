package net.infernet.controlplane.alerts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import net.infernet.controlplane.nodes.NodeEvents;
import net.infernet.controlplane.util.Periodic;
import net.infernet.store.AccountStore;
import net.infernet.store.NodeRecord;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells Slack and Discord webhooks when a node goes offline and when it comes back, once per outage: a node offline
 * for the grace period gets one offline message, and then one online message when it reports again; a node back
 * within the grace period (a flap) gets none. Outages are kept in memory (one instance's view; a restart forgets
 * them). Messages leave through a {@link WebhookSender}, never on the caller's thread.
 */
@Component(service = NodeEvents.class, configurationPid = AlertConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = AlertConfig.class)
public final class NodeAlerts implements NodeEvents {
    private static final Logger LOG = LoggerFactory.getLogger(NodeAlerts.class);
    private static final int MAX_NAME = 100;

    private final AlertTargets targets;
    private final Duration grace;
    private final Clock clock;
    private final WebhookSender sender;
    private final Map<String, Outage> outages = new ConcurrentHashMap<>();
    private final Periodic ticking;
    private final Optional<AccountStore> accounts;
    private volatile Map<String, List<Webhook>> accountHooks = Map.of();
    private final java.util.concurrent.atomic.AtomicInteger ticks = new java.util.concurrent.atomic.AtomicInteger();

    /** An outage: since when, and whether its offline message went out. */
    private record Outage(NodeRecord node, Instant since, boolean alerted) {
    }

    /**
     * @param attempts tries per delivery
     * @param firstBackoff the wait before the second try (doubling after)
     */
    public record Settings(Duration grace, int queueSize, int attempts, Duration firstBackoff) {
        public static Settings of(AlertConfig c) {
            return new Settings(Duration.ofSeconds(Math.max(0, c.grace_seconds())), c.queue_size(), c.attempts(),
                    Duration.ofSeconds(1));
        }
    }

    @Activate
    public NodeAlerts(AlertConfig config, @Reference AccountStore accounts) {
        this(AlertTargets.of(config), Settings.of(config), Clock.systemUTC(), Optional.of(Duration.ofSeconds(1)),
                Optional.of(accounts));
    }

    /**
     * @param tickEvery how often due offline messages are sent; empty: only when {@link #tick()} is called (tests)
     * @param accounts where the accounts' own webhooks are read ({@link #refreshAccounts()}), every 10 ticks
     */
    public NodeAlerts(AlertTargets targets, Settings settings, Clock clock, Optional<Duration> tickEvery,
            Optional<AccountStore> accounts) {
        this.targets = targets;
        this.grace = settings.grace();
        this.clock = clock;
        this.accounts = accounts;
        this.sender = new WebhookSender(settings.queueSize(), settings.attempts(), settings.firstBackoff());
        LOG.info("event=alerts_on webhooks={} operators={} accounts={} grace_seconds={}", targets.count(),
                targets.byOperator().size(), accounts.isPresent(), grace.toSeconds());
        refreshAccounts();
        this.ticking = tickEvery.map(d -> new Periodic("alerts", d, this::tick)).orElse(null);
    }

    /** Reads the accounts' webhooks again (what operators set in the dashboard). */
    public void refreshAccounts() {
        accounts.ifPresent(a -> accountHooks = AlertTargets.ofAccounts(a.accountsWithWebhooks()));
    }

    @Deactivate
    public void close() {
        if (ticking != null) {
            ticking.close();
        }
        sender.close();
    }

    @Override
    public synchronized void wentOffline(NodeRecord node, Instant at) {
        if (!targets.of(node, accountHooks).isEmpty()) {
            outages.putIfAbsent(node.id(), new Outage(node, at, false)); // one outage until the node is back
        }
    }

    @Override
    public synchronized void cameOnline(NodeRecord node, Instant at) {
        Outage o = outages.remove(node.id());
        if (o == null) {
            return;
        }
        if (o.alerted()) {
            send(node, "online", "Infernet node " + label(node) + " is back online at " + iso(at) + " after "
                    + human(Duration.between(o.since(), at)) + " offline.");
        } else {
            LOG.info("event=alert_suppressed reason=flap node_id={} offline_seconds={}", node.id(),
                    Duration.between(o.since(), at).toSeconds());
        }
    }

    /** Sends the offline message of every outage that has outlasted the grace period (once a second). */
    public void tick() {
        if (ticks.incrementAndGet() % 10 == 0) {
            refreshAccounts(); // a store read: outside the lock the directory's event threads take
        }
        sendDue();
    }

    private synchronized void sendDue() {
        Instant now = clock.instant();
        for (Outage o : List.copyOf(outages.values())) {
            if (!o.alerted() && !o.since().plus(grace).isAfter(now)) {
                outages.put(o.node().id(), new Outage(o.node(), o.since(), true));
                send(o.node(), "offline", "Infernet node " + label(o.node()) + " is offline since " + iso(o.since())
                        + ".");
            }
        }
    }

    /** Deliveries sending or waiting for a retry (tests wait for none). */
    public int underWay() {
        return sender.underWay();
    }

    private void send(NodeRecord node, String alert, String text) {
        for (Webhook hook : targets.of(node, accountHooks)) {
            sender.send(new WebhookSender.Delivery(hook, hook.payload(text),
                    "alert=" + alert + " node_id=" + node.id()));
        }
    }

    /** The node's name (reported by the node: one line, at most 100 characters) and id. */
    private static String label(NodeRecord node) {
        String name = node.name().replaceAll("\\p{Cntrl}", " ").strip();
        if (name.length() > MAX_NAME) {
            name = name.substring(0, MAX_NAME) + "…";
        }
        return "\"" + name + "\" (" + node.id() + ")";
    }

    private static String iso(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static String human(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s >= 3600 ? s / 3600 + " h " + s % 3600 / 60 + " min" : s >= 60 ? s / 60 + " min " + s % 60 + " s"
                : s + " s";
    }
}
