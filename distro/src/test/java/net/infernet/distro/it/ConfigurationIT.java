package net.infernet.distro.it;

import static org.junit.Assert.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Map;
import java.util.Optional;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.CoreOptions;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Typed configuration from files and environment variables: a bundle declares {@code Infernet-Env}, the variable
 * (here stood in for by the framework property {@code infernet.env.NAME}) lands in its PID's configuration, a
 * {@code .cfg} file in the config folder sets the other properties, and the variable wins over the file.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConfigurationIT {
    private static final String PID = "net.infernet.it.env";

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configAdmin;

    @Configuration
    public Option[] config() {
        return DistributionTestSupport.distribution("node-ollama",
                CoreOptions.frameworkProperty("infernet.env.INFERNET_IT_HOST").value("http://127.0.0.1:9"));
    }

    @Test
    public void environmentVariableOverridesTheConfigFileWhichFillsTheRest() throws Exception {
        Path deploy = Path.of(context.getProperty("felix.fileinstall.dir"));
        Files.writeString(deploy.resolve(PID + ".cfg"), "host=http://from-file:1\nmodel=from-file\n");
        TestBundles.write(deploy.resolve("env-consumer.jar"), "net.infernet.it.env.consumer",
                Map.of("Infernet-Env", "INFERNET_IT_HOST=" + PID + "/host, INFERNET_IT_UNSET=" + PID + "/port"));

        Dictionary<String, Object> props = awaitConfig(PID, p -> "from-file".equals(p.get("model"))
                && "http://127.0.0.1:9".equals(p.get("host")));
        assertEquals("the environment wins over the file", "http://127.0.0.1:9", props.get("host"));
        assertEquals("the file fills what the environment does not set", "from-file", props.get("model"));
        assertEquals("an unset variable leaves the property alone", null, props.get("port"));
    }

    @Test
    public void theBooksConfigJsonKeysStandInForTheirVariablesOverTheConfigFile() throws Exception {
        String pid = "net.infernet.it.book";
        Path configJson = Path.of(context.getProperty("infernet.config.dir")).resolve("config.json");
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode root = Files.exists(configJson)
                ? (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(configJson.toFile())
                : json.createObjectNode();
        root.put("infernet_it_book_host", "http://from-config-json:2").put("infernet_it_host", "http://loses:3");
        Files.createDirectories(configJson.getParent());
        Files.writeString(configJson, root.toString());
        Path deploy = Path.of(context.getProperty("felix.fileinstall.dir"));
        Files.writeString(deploy.resolve(pid + ".cfg"), "host=http://from-file:1\nmodel=from-file\n");
        TestBundles.write(deploy.resolve("book-consumer.jar"), "net.infernet.it.book.consumer",
                Map.of("Infernet-Env", "INFERNET_IT_BOOK_HOST=" + pid + "/host, INFERNET_IT_HOST=" + pid + "/env"));

        Dictionary<String, Object> props = awaitConfig(pid, p -> "from-file".equals(p.get("model"))
                && "http://from-config-json:2".equals(p.get("host")));
        assertEquals("config.json's book key wins over the .cfg file", "http://from-config-json:2", props.get("host"));
        assertEquals("the environment wins over config.json", "http://127.0.0.1:9", props.get("env"));
        assertEquals("the file fills the rest", "from-file", props.get("model"));
    }

    /** The PID's configuration once it has reached the state {@code reached} tests. */
    private Dictionary<String, Object> awaitConfig(String pid,
            java.util.function.Predicate<Dictionary<String, Object>> reached) throws InterruptedException {
        return await(() -> {
            try {
                Dictionary<String, Object> p = configAdmin.getConfiguration(pid, "?").getProperties();
                return p != null && reached.test(p) ? Optional.of(p) : Optional.empty();
            } catch (java.io.IOException e) {
                return Optional.empty();
            }
        });
    }

    private static <T> T await(java.util.function.Supplier<Optional<T>> probe) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            Optional<T> v = probe.get();
            if (v.isPresent()) {
                return v.get();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("configuration never reached the expected state");
    }
}
