package net.infernet.http.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.apache.felix.framework.FrameworkFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;

/**
 * A real Felix framework started the way bnd's launcher starts the distributions: at start level 1, then raised to
 * the level of the role bundles. The framework counts as starting (unknown paths answer 503) until that raise is
 * over, although it is ACTIVE all along.
 */
class FrameworkStartupTest {
    @TempDir
    Path cache;
    private Framework framework;

    @BeforeEach
    void start() throws Exception {
        framework = new FrameworkFactory().newFramework(Map.of(Constants.FRAMEWORK_STORAGE, cache.toString(),
                Constants.FRAMEWORK_BEGINNING_STARTLEVEL, "1"));
        framework.start();
        Bundle role = framework.getBundleContext().installBundle("role", bundle("role"));
        role.adapt(BundleStartLevel.class).setStartLevel(10);
        role.start(); // persistently: it starts when the framework reaches level 10
    }

    @AfterEach
    void stop() throws Exception {
        framework.stop();
        framework.waitForStop(10_000);
    }

    @Test
    void theFrameworkIsStartingUntilItHasReachedTheLevelOfEveryBundleSetToStart() throws Exception {
        FrameworkStartup startup = new FrameworkStartup(framework.getBundleContext());
        assertTrue(startup.getAsBoolean(), "active at level 1 while the role bundle waits for level 10");
        CountDownLatch reached = new CountDownLatch(1);
        framework.adapt(FrameworkStartLevel.class).setStartLevel(12, e -> reached.countDown());
        assertTrue(reached.await(10, TimeUnit.SECONDS));
        // Felix hands the level's event to each listener on its event thread, in no fixed order: the check's own
        // listener may hear it a moment after the caller's
        for (int i = 0; i < 200 && startup.getAsBoolean(); i++) {
            Thread.sleep(10);
        }
        assertFalse(startup.getAsBoolean(), "started once the raise to level 12 is over");
        framework.adapt(FrameworkStartLevel.class).setStartLevel(1);
        assertFalse(startup.getAsBoolean(), "once started it stays started");
        startup.close();
    }

    @Test
    void aBundleStartedAfterTheFrameworkFindsItStarted() throws Exception {
        CountDownLatch reached = new CountDownLatch(1);
        framework.adapt(FrameworkStartLevel.class).setStartLevel(12, e -> reached.countDown());
        assertTrue(reached.await(10, TimeUnit.SECONDS));
        FrameworkStartup startup = new FrameworkStartup(framework.getBundleContext());
        assertFalse(startup.getAsBoolean(), "a hot-swapped HTTP bundle must not answer 503 forever");
        startup.close();
    }

    private static ByteArrayInputStream bundle(String name) throws Exception {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue(Constants.BUNDLE_MANIFESTVERSION, "2");
        main.putValue(Constants.BUNDLE_SYMBOLICNAME, name);
        ByteArrayOutputStream jar = new ByteArrayOutputStream();
        new JarOutputStream(jar, manifest).close();
        return new ByteArrayInputStream(jar.toByteArray());
    }
}
