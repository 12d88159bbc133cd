package net.infernet.core.internal.update;

import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.felix.framework.FrameworkFactory;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.service.component.runtime.ServiceComponentRuntime;

/** A real Felix framework with Apache Felix SCR and {@code test.greeter} 1.0.0 active. */
final class TestFramework implements AutoCloseable {
    final Framework framework;
    final BundleContext context;

    TestFramework(Path tmp, Map<String, String> properties) throws Exception {
        Map<String, String> config = new HashMap<>(properties);
        config.put(Constants.FRAMEWORK_STORAGE, tmp.resolve("cache").toString());
        // the test reads SCR's runtime service, so SCR and the test share these packages' classes
        config.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, "org.osgi.service.component;version=1.5.1,"
                + "org.osgi.service.component.runtime;version=1.5.0,"
                + "org.osgi.service.component.runtime.dto;version=1.5.0,"
                + "org.osgi.util.promise;version=1.3.0,org.osgi.util.function;version=1.2.0");
        framework = new FrameworkFactory().newFramework(config);
        framework.start();
        context = framework.getBundleContext();
        context.installBundle(onClassPath("org.apache.felix.scr")).start();
        context.installBundle(TestBundles.jar(tmp.resolve("v1"), "1.0.0", TestBundles.Behaviour.GOOD).toUri().toString())
                .start();
        awaitGreeter("1.0.0");
    }

    @Override
    public void close() throws Exception {
        framework.stop();
        framework.waitForStop(10_000);
    }

    Bundle greeter() {
        return Arrays.stream(context.getBundles()).filter(b -> TestBundles.NAME.equals(b.getSymbolicName()))
                .findFirst().orElseThrow();
    }

    Optional<ServiceComponentRuntime> scr() {
        return Optional.ofNullable(context.getServiceReference(ServiceComponentRuntime.class)).map(context::getService);
    }

    /** The health probe of the tests: the greeter's service is there and answers (a node's inference check). */
    boolean serves() {
        try {
            ServiceReference<?>[] refs = context.getServiceReferences(Runnable.class.getName(), "(greeter=*)");
            if (refs == null) {
                return false;
            }
            Runnable r = (Runnable) context.getService(refs[0]);
            try {
                r.run();
                return true;
            } finally {
                context.ungetService(refs[0]);
            }
        } catch (Exception e) {
            return false;
        }
    }

    void awaitGreeter(String version) throws Exception {
        for (int i = 0; i < 200; i++) {
            if (context.getServiceReferences(Runnable.class.getName(), "(greeter=" + version + ")") != null) {
                return;
            }
            Thread.sleep(25);
        }
        throw new AssertionError("no greeter " + version + " service");
    }

    private static String onClassPath(String artifact) {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(p -> new File(p).getName().startsWith(artifact + "-")).findFirst()
                .map(p -> new File(p).toURI().toString())
                .orElseThrow(() -> new AssertionError(artifact + " not on the class path"));
    }
}
