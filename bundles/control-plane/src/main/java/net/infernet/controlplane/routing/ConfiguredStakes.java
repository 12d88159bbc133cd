package net.infernet.controlplane.routing;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import net.infernet.core.routing.StakeRegistry;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stakes from configuration, for networks without a staking chain (and until the on-chain registry is installed,
 * which outranks it): {@code stakes = "<operator key>=<INT>, ..."} ({@code INFERNET_STAKES}).
 */
@Component(configurationPid = ConfiguredStakes.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = "service.ranking:Integer=-100")
@Designate(ocd = ConfiguredStakes.Config.class)
public final class ConfiguredStakes implements StakeRegistry {
    static final String PID = "net.infernet.routing.stakes";
    private static final Logger LOG = LoggerFactory.getLogger(ConfiguredStakes.class);
    private static final Pattern KEY = Pattern.compile("[0-9a-f]{64}");

    @ObjectClassDefinition(id = PID, name = "Infernet configured stakes")
    public @interface Config {
        @AttributeDefinition(description = "operator key (64 hex) = total stake in INT, comma-separated")
        String stakes() default "";
    }

    private final Map<String, BigDecimal> stakes;

    @Activate
    public ConfiguredStakes(Config config) {
        stakes = parse(config.stakes());
        LOG.info("event=stakes_configured operators={}", stakes.size());
    }

    /** Well-formed entries; a malformed one is logged and left out (the operator then counts as unstaked). */
    static Map<String, BigDecimal> parse(String text) {
        Map<String, BigDecimal> out = new HashMap<>();
        for (String entry : text.split(",")) {
            String e = entry.strip();
            if (e.isEmpty()) {
                continue;
            }
            int eq = e.indexOf('=');
            String key = eq < 0 ? e : e.substring(0, eq).strip();
            BigDecimal amount = null;
            try {
                amount = eq < 0 ? null : new BigDecimal(e.substring(eq + 1).strip());
            } catch (NumberFormatException ignored) {
                // reported below
            }
            if (!KEY.matcher(key).matches() || amount == null || amount.signum() < 0) {
                LOG.warn("event=stake_entry_invalid entry=\"{}\" expected=\"<64 hex>=<INT amount >= 0>\"",
                        e.length() > 80 ? e.substring(0, 80) + "…" : e);
                continue;
            }
            out.put(key, amount);
        }
        return Map.copyOf(out);
    }

    @Override
    public Optional<BigDecimal> stake(String operatorId) {
        return Optional.ofNullable(stakes.get(operatorId));
    }
}
