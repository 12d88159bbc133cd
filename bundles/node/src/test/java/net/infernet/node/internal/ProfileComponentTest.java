package net.infernet.node.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import net.infernet.node.config.ConfigFile;
import net.infernet.node.config.DaemonPort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;

/** The node's profile as SCR activates it: the key and config.json on first start, the port for the CLI. */
class ProfileComponentTest {
    @TempDir
    Path dir;

    private BundleContext context(Map<String, String> props) {
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getProperty")) {
                        return props.get((String) args[0]);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private static ProfileComponent.Config config(String controlPlane) {
        return new ProfileComponent.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return ProfileComponent.Config.class;
            }

            @Override
            public String backend() {
                return "";
            }

            @Override
            public String control_plane() {
                return controlPlane;
            }

            @Override
            public int max_jobs() {
                return 3;
            }

            @Override
            public int heartbeat_seconds() {
                return 30;
            }
        };
    }

    @Test
    void aFirstStartCreatesTheKeyAndConfigAndRecordsThePortUntilItStops() throws Exception {
        Map<String, String> props = Map.of("infernet.data.dir", dir.resolve("data").toString(),
                "infernet.config.dir", dir.resolve("config").toString(), "org.osgi.service.http.port", "46999",
                "infernet.role", "all-in-one");
        ProfileComponent p = new ProfileComponent(context(props), config(""));
        assertTrue(Files.exists(dir.resolve("data/keys/node.key")), "node key created on first start");
        assertEquals(p.key().publicKeyHex(), ConfigFile.read(ConfigFile.in(dir.resolve("config"))).publicKey());
        assertEquals("http://127.0.0.1:46999", p.config().controlPlaneUrl(), "all-in-one: its own control plane");
        assertEquals(3, p.settings().maxJobs());
        Path port = DaemonPort.in(dir.resolve("config"));
        assertTrue(Files.exists(port));
        p.update(c -> c.withNodeId("node_0123456789abcdef"));
        assertEquals("node_0123456789abcdef", ConfigFile.read(ConfigFile.in(dir.resolve("config"))).nodeId().orElseThrow());
        p.deactivate();
        assertFalse(Files.exists(port), "the CLI no longer finds a running daemon");

        ProfileComponent again = new ProfileComponent(context(props), config("http://cp.example:3000"));
        assertEquals("node_0123456789abcdef", again.config().nodeId().orElseThrow(), "config.json kept");
        assertEquals(p.key().publicKeyHex(), again.key().publicKeyHex(), "the same key");
        assertEquals("http://cp.example:3000", again.settings().controlPlane().toString(), "INFERNET_CONTROL_PLANE");
    }
}
