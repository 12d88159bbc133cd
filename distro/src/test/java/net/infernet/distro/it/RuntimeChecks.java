package net.infernet.distro.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.slf4j.LoggerFactory;

/** Assertions that run inside the booted framework. */
final class RuntimeChecks {
    private RuntimeChecks() {
    }

    /**
     * Log lines reach the console through slf4j-simple: the logging fragment lets slf4j-api find its provider
     * (without it SLF4J falls back to discarding everything).
     */
    static void assertLogsThroughSlf4jSimple() {
        assertEquals("org.slf4j.simple.SimpleLoggerFactory",
                LoggerFactory.getILoggerFactory().getClass().getName());
    }

    /** Every bundle is ACTIVE, fragments (framework extensions) RESOLVED; a missing import shows up here. */
    static void assertEveryBundleActive(BundleContext context) {
        List<String> notActive = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            boolean fragment = (b.adapt(BundleRevision.class).getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
            int expected = fragment ? Bundle.RESOLVED : Bundle.ACTIVE;
            if (b.getState() != expected) {
                notActive.add(b.getSymbolicName() + " state=" + b.getState());
            }
        }
        assertTrue("bundles not active: " + notActive, notActive.isEmpty());
    }

    /**
     * Every enabled DS component is satisfied: none waits for a reference or a configuration, none failed to
     * activate. Components of the Infernet bundles are listed so a distribution that loses one is noticed.
     */
    static List<String> assertEveryComponentSatisfied(ServiceComponentRuntime scr) throws InterruptedException {
        List<String> problems = new ArrayList<>();
        List<String> satisfied = new ArrayList<>();
        for (int attempt = 0; attempt < 50; attempt++) { // components activate asynchronously after bundle start
            problems.clear();
            satisfied.clear();
            for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
                if (!scr.isComponentEnabled(d)) {
                    continue;
                }
                for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                    if (c.state == ComponentConfigurationDTO.UNSATISFIED_REFERENCE
                            || c.state == ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION
                            || c.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                        problems.add(d.name + " state=" + c.state
                                + (c.failure == null ? "" : " failure=" + c.failure.lines().findFirst().orElse("")));
                    } else {
                        satisfied.add(d.name);
                    }
                }
            }
            if (problems.isEmpty()) {
                return satisfied;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("unsatisfied components: " + problems);
    }

    static HttpResponse<String> get(BundleContext context, String path) throws Exception {
        String port = context.getProperty("org.osgi.service.http.port");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = null;
        for (int attempt = 0; attempt < 100; attempt++) { // the whiteboard registers servlets asynchronously
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 404) {
                    return response;
                }
            } catch (java.io.IOException notListeningYet) {
                // Jetty is still starting
            }
            Thread.sleep(100);
        }
        if (response == null) {
            throw new AssertionError("nothing listens on port " + port);
        }
        return response;
    }

    static void assertHealthy(BundleContext context) throws Exception {
        HttpResponse<String> health = get(context, "/api/v1/health");
        assertEquals(health.body(), 200, health.statusCode());
        assertTrue(health.body(), health.body().contains("\"status\":\"ok\""));
    }

    static boolean hasBundle(BundleContext context, String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return true;
            }
        }
        return false;
    }
}
