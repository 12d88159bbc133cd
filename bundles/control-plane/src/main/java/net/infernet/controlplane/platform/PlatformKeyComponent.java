package net.infernet.controlplane.platform;

import java.nio.file.Path;
import net.infernet.controlplane.config.ControlPlaneConfig;
import net.infernet.protocol.keys.KeyFiles;
import net.infernet.protocol.keys.NodeKey;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform key from {@code platform_signing_key} (env {@code PLATFORM_SIGNING_KEY}), or else the key file
 * {@code <data dir>/keys/platform.key}, created on first start.
 */
@Component(configurationPid = ControlPlaneConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
public class PlatformKeyComponent implements PlatformKey {
    private static final Logger LOG = LoggerFactory.getLogger(PlatformKeyComponent.class);
    private final NodeKey key;

    @Activate
    public PlatformKeyComponent(BundleContext context, ControlPlaneConfig config) {
        String hex = config.platform_signing_key().strip();
        if (!hex.isEmpty()) {
            key = NodeKey.fromHex(hex.startsWith("0x") ? hex.substring(2) : hex);
        } else {
            String dataDir = context.getProperty("infernet.data.dir");
            Path dir = dataDir == null ? Path.of(System.getProperty("user.home"), ".infernet") : Path.of(dataDir);
            key = KeyFiles.loadOrCreate(dir.resolve("keys").resolve("platform.key"));
        }
        LOG.info("event=platform_key_loaded address={}", key.ethereumAddress());
    }

    @Override
    public NodeKey key() {
        return key;
    }
}
