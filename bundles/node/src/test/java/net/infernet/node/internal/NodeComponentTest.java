package net.infernet.node.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import net.infernet.core.backend.InferenceBackend;
import net.infernet.node.config.ConfigFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;

/** The DS component's life cycle as SCR drives it: bind before activate, dynamic bind/unbind, deactivate. */
class NodeComponentTest {
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

    private static NodeComponent.Config config(String controlPlane, String backend) {
        return new NodeComponent.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return NodeComponent.Config.class;
            }

            @Override
            public String backend() {
                return backend;
            }

            @Override
            public String control_plane() {
                return controlPlane;
            }

            @Override
            public int max_jobs() {
                return 2;
            }

            @Override
            public int heartbeat_seconds() {
                return 3600;
            }

            @Override
            public int job_wait_ms() {
                return 1000;
            }

            @Override
            public int keepalive_seconds() {
                return 15;
            }
        };
    }

    @Test
    void aComponentCycleCreatesKeyAndConfigFollowsBackendsAndLeavesNoThreads() throws Exception {
        Set<String> before = threads();
        try (FakeControlPlane cp = new FakeControlPlane()) {
            NodeComponent c = new NodeComponent();
            FakeBackend ollama = new FakeBackend("ollama", List.of("qwen2.5:7b"), List.of("hi"));
            c.addBackend(ollama, Map.of(InferenceBackend.BACKEND_ID, "ollama", InferenceBackend.PROBE_ORDER, 10));
            c.activate(context(Map.of("infernet.data.dir", dir.resolve("data").toString(), "infernet.config.dir",
                    dir.resolve("config").toString())), config(cp.uri().toString(), ""));

            assertTrue(Files.exists(dir.resolve("data/keys/node.key")), "node key created on first start");
            JsonNode hb = cp.heartbeats.poll(20, TimeUnit.SECONDS);
            assertNotNull(hb);
            assertEquals("qwen2.5:7b", hb.path("served_models").get(0).asText());
            assertEquals(Optional.of("node_00000000000000aa"),
                    ConfigFile.read(ConfigFile.in(dir.resolve("config"))).nodeId());
            assertEquals(Optional.of("ollama"), c.status().backend());

            FakeBackend llama = new FakeBackend("llamacpp", List.of("demo.gguf"), List.of("x"));
            c.addBackend(llama, Map.of(InferenceBackend.BACKEND_ID, "llamacpp", InferenceBackend.PROBE_ORDER, 50));
            c.removeBackend(ollama); // the ollama bundle leaves deploy/
            assertEquals(Optional.of("llamacpp"), c.status().backend());
            JsonNode after;
            do {
                after = cp.heartbeats.poll(20, TimeUnit.SECONDS);
                assertNotNull(after);
            } while (!after.path("served_models").toString().contains("demo.gguf"));

            c.deactivate();
            JsonNode last;
            do {
                last = cp.heartbeats.poll(20, TimeUnit.SECONDS);
                assertNotNull(last);
            } while (!last.path("status").asText().equals("offline"));
        }
        Set<String> leaked;
        int attempts = 0;
        do {
            System.gc(); // JDK 17's HttpClient selector thread ends once the client is collected
            Thread.sleep(50);
            leaked = threads();
            leaked.removeAll(before);
        } while (!leaked.isEmpty() && ++attempts < 200);
        assertEquals(Set.of(), leaked);
    }

    private static Set<String> threads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("infernet-node-") || n.startsWith("HttpClient-"))
                .collect(Collectors.toSet());
    }
}
