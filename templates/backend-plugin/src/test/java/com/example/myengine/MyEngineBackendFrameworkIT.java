package com.example.myengine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.jar.JarFile;
import net.infernet.core.backend.InferenceBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The plugin in a real OSGi framework ({@code mvn verify}): Felix with SCR, the published Infernet API bundle
 * (net.infernet.core) and what it needs at run time, then this project's bundle jar as {@code mvn package} made it.
 * It must resolve against the API's exported versions and register its backend with the properties a node selects
 * on. (docs/plugins.md, "Testing"; an end-to-end run in a node is the distribution's PluginTemplateIT.)
 */
class MyEngineBackendFrameworkIT {
    /** The bundles of the test classpath installed beside the plugin, by symbolic-name prefix. */
    private static final List<String> RUNTIME = List.of("net.infernet.core", "org.apache.felix.scr",
            "org.apache.felix.configadmin", "org.apache.felix.fileinstall", "org.apache.felix.http.servlet-api",
            "org.apache.felix.http.jetty12", "org.apache.commons.commons-fileupload", "org.apache.commons.commons-io",
            "org.osgi.service.component", "org.osgi.service.log", "org.osgi.util.promise", "org.osgi.util.function",
            "com.fasterxml.jackson.", "slf4j.api");

    @TempDir
    Path storage;

    @Test
    void theBundleResolvesAgainstThePublishedApiAndRegistersItsBackend() throws Exception {
        Framework framework = ServiceLoader.load(FrameworkFactory.class).iterator().next().newFramework(Map.of(
                Constants.FRAMEWORK_STORAGE, storage.toString(), "org.osgi.service.http.port", "0",
                "org.apache.felix.http.host", "127.0.0.1",
                // slf4j-api asks for a ServiceLoader mediator and a provider; the distributions attach one
                // (net.infernet.logging), this test declares both and slf4j logs nothing (its no-op fallback)
                Constants.FRAMEWORK_SYSTEMCAPABILITIES_EXTRA,
                "osgi.extender;osgi.extender=osgi.serviceloader.processor;version:Version=1.0,"
                        + "osgi.serviceloader;osgi.serviceloader=org.slf4j.spi.SLF4JServiceProvider",
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT));
        framework.start();
        try {
            BundleContext context = framework.getBundleContext();
            List<Bundle> runtime = new ArrayList<>();
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                String name = symbolicName(entry);
                if (RUNTIME.stream().anyMatch(name::startsWith)) {
                    runtime.add(context.installBundle(Path.of(entry).toUri().toString()));
                }
            }
            Bundle plugin = context.installBundle(Path.of(System.getProperty("plugin.jar")).toUri().toString());
            for (Bundle b : runtime) {
                b.start();
            }
            plugin.start(); // throws when the bundle does not resolve against the API's exports

            ServiceTracker<Object, Object> backends = new ServiceTracker<>(context, context.createFilter("(&("
                    + Constants.OBJECTCLASS + "=" + InferenceBackend.class.getName() + ")("
                    + InferenceBackend.BACKEND_ID + "=" + MyEngineBackend.ID + "))"), null);
            backends.open(true); // all services: this test's class path has its own copy of the API classes
            assertNotNull(backends.waitForService(10_000), "the DS component registered its InferenceBackend");
            ServiceReference<Object> ref = backends.getServiceReference();
            assertEquals(plugin, ref.getBundle());
            assertEquals(100, ref.getProperty(InferenceBackend.PROBE_ORDER));
            assertEquals(Bundle.ACTIVE, plugin.getState());
            backends.close();
        } finally {
            framework.stop();
            framework.waitForStop(10_000);
        }
    }

    private static String symbolicName(String classpathEntry) {
        if (!classpathEntry.endsWith(".jar")) {
            return "";
        }
        try (JarFile jar = new JarFile(classpathEntry)) {
            String name = jar.getManifest() == null ? null
                    : jar.getManifest().getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
            return name == null ? "" : name.split(";")[0].trim();
        } catch (IOException e) {
            return "";
        }
    }
}
