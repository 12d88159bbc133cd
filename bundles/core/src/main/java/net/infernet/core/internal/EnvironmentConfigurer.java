package net.infernet.core.internal;

import java.io.IOException;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.util.tracker.BundleTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the book's environment variables ({@code INFERNET_BACKEND}, {@code OLLAMA_HOST}, ...) into typed DS
 * configuration. Each bundle declares which variable sets which property of which PID in its
 * {@code Infernet-Env} manifest header; this extender applies the variables that are set when the bundle appears,
 * and again whenever a configuration file rewrites that PID, so the precedence is always
 * environment &gt; the book's {@code config.json} keys ({@link BookConfig}) &gt; configuration file &gt; the
 * component's defaults. A framework property {@code infernet.env.NAME} stands in for the variable {@code NAME} (used
 * by tests and the launcher).
 */
@Component(immediate = true, service = ConfigurationListener.class)
public final class EnvironmentConfigurer implements ConfigurationListener {
    private static final Logger LOG = LoggerFactory.getLogger(EnvironmentConfigurer.class);
    private final BundleContext context;
    private final ConfigurationAdmin configAdmin;
    private final Map<Long, List<EnvBinding>> bindings = new ConcurrentHashMap<>();
    private final BundleTracker<Long> tracker;
    private final Optional<java.nio.file.Path> configDir;
    private volatile BookConfig book;

    @Activate
    public EnvironmentConfigurer(BundleContext context, @Reference ConfigurationAdmin configAdmin) {
        this.context = context;
        this.configAdmin = configAdmin;
        this.configDir = Optional.ofNullable(context.getProperty("infernet.config.dir")).filter(d -> !d.isBlank())
                .map(java.nio.file.Path::of);
        this.book = BookConfig.in(configDir);
        book.warnUnsupported();
        this.tracker = new BundleTracker<>(context, Bundle.RESOLVED | Bundle.STARTING | Bundle.ACTIVE, null) {
            @Override
            public Long addingBundle(Bundle bundle, BundleEvent event) {
                return track(bundle);
            }

            @Override
            public void removedBundle(Bundle bundle, BundleEvent event, Long id) {
                bindings.remove(id);
            }
        };
        tracker.open();
    }

    @Deactivate
    void deactivate() {
        tracker.close();
    }

    private Long track(Bundle bundle) {
        String header = bundle.getHeaders("").get(EnvBinding.HEADER);
        if (header == null) {
            return null;
        }
        try {
            List<EnvBinding> list = EnvBinding.parse(header);
            bindings.put(bundle.getBundleId(), list);
            list.stream().map(EnvBinding::pid).distinct().forEach(this::apply);
            return bundle.getBundleId();
        } catch (IllegalArgumentException e) {
            LOG.error("event=env_header_invalid bundle={} error=\"{}\"", bundle.getSymbolicName(), e.getMessage());
            return null;
        }
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        if (event.getType() == ConfigurationEvent.CM_UPDATED && event.getFactoryPid() == null) {
            apply(event.getPid());
        }
    }

    /** Writes every set variable bound to {@code pid} into its configuration, if it differs. */
    private void apply(String pid) {
        book = book.current(configDir); // parsed again only when the file changed
        Dictionary<String, Object> wanted = new Hashtable<>();
        bindings.values().stream().flatMap(Collection::stream).filter(b -> b.pid().equals(pid))
                .forEach(b -> value(b.variable()).ifPresent(v -> wanted.put(b.property(), v)));
        if (wanted.isEmpty()) {
            return;
        }
        try {
            Configuration config = configAdmin.getConfiguration(pid, "?");
            Dictionary<String, Object> props = config.getProperties() == null ? new Hashtable<>() : config.getProperties();
            boolean changed = false;
            for (String key : java.util.Collections.list(wanted.keys())) {
                if (!Objects.equals(String.valueOf(props.get(key)), wanted.get(key))) {
                    props.put(key, wanted.get(key));
                    changed = true;
                }
            }
            if (changed) {
                LOG.info("event=env_config pid={} properties={}", pid, java.util.Collections.list(wanted.keys()));
                config.update(props);
            }
        } catch (IOException e) {
            LOG.error("event=env_config_failed pid={} error={}", pid, e.toString());
        }
    }

    private Optional<String> value(String variable) {
        String fromFramework = context.getProperty("infernet.env." + variable);
        if (fromFramework != null && !fromFramework.isEmpty()) {
            return Optional.of(fromFramework);
        }
        return Optional.ofNullable(System.getenv(variable)).filter(v -> !v.isEmpty())
                .or(() -> book.value(variable));
    }
}
