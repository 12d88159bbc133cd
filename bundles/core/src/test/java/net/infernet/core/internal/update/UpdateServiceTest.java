package net.infernet.core.internal.update;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.update.HealthProbe;
import net.infernet.core.update.UpdateStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The updater component as the admin endpoint and the node see it, in a real framework: by hand, a dry run, the
 * status, a rollback, the API's errors, and the bundles updated before a restart coming back after it.
 */
class UpdateServiceTest {
    @TempDir
    Path tmp;

    private UpdateService service(TestFramework osgi, Map<String, Object> values) {
        Map<String, Object> all = new HashMap<>(Map.of("startup_delay_seconds", 3600L, "health_timeout_seconds", 3L,
                "probe_timeout_seconds", 1L, "auto", false));
        all.putAll(values);
        UpdateService.Config config = (UpdateService.Config) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {UpdateService.Config.class}, (proxy, method, args) ->
                        all.containsKey(method.getName()) ? all.get(method.getName()) : method.getDefaultValue());
        UpdateService s = new UpdateService(osgi.context, config, osgi.scr().orElseThrow());
        s.addProbe(t -> osgi.serves(), Map.of(HealthProbe.NAME, "greeter"));
        return s;
    }

    private TestFramework framework(String cache) throws Exception {
        return new TestFramework(tmp.resolve(cache), Map.of("infernet.data.dir", tmp.resolve("data").toString()));
    }

    @Test
    void byHandWithDryRunStatusAndRollback() throws Exception {
        Path source = TestBundles.source(tmp.resolve("src"), TestBundles.jar(tmp.resolve("v11"), "1.1.0",
                TestBundles.Behaviour.GOOD));
        try (TestFramework osgi = framework("a")) {
            UpdateService s = service(osgi, Map.of("source", source.toString()));
            try {
                assertEquals("none", s.status().outcome());
                assertEquals(ErrorCode.NOT_FOUND, assertThrows(InfernetException.class, s::rollback).code());
                UpdateStatus planned = s.update(Optional.empty(), false, true);
                assertEquals("planned", planned.outcome());
                assertEquals(List.of("test.greeter 1.0.0 -> 1.1.0"), planned.changes());
                assertEquals("1.0.0", osgi.greeter().getVersion().toString());

                assertEquals("applied", s.update(Optional.empty(), false, false).outcome());
                assertEquals("applied", s.status().outcome());
                assertEquals(true, s.describe().get("rollback_available"));
                osgi.awaitGreeter("1.1.0");

                assertEquals("applied", s.rollback().outcome());
                osgi.awaitGreeter("1.0.0");
                assertEquals("1.0.0", osgi.greeter().getVersion().toString());
            } finally {
                s.deactivate();
            }
        }
    }

    @Test
    void refusalsAndUnreadableSourcesAreTheApisErrors() throws Exception {
        Path source = TestBundles.source(tmp.resolve("src"), TestBundles.jar(tmp.resolve("v11"), "1.1.0",
                TestBundles.Behaviour.GOOD));
        Files.writeString(source.resolve("index.json"), Files.readString(source.resolve("index.json"))
                .replaceAll("[0-9a-f]{64}", "0".repeat(64)));
        try (TestFramework osgi = framework("a")) {
            UpdateService s = service(osgi, Map.of());
            try {
                assertEquals(ErrorCode.BAD_REQUEST, assertThrows(InfernetException.class,
                        () -> s.update(Optional.empty(), false, false)).code(), "no source configured");
                InfernetException sha = assertThrows(InfernetException.class,
                        () -> s.update(Optional.of(source.toString()), false, false));
                assertEquals(ErrorCode.BAD_REQUEST, sha.code());
                assertTrue(sha.getMessage().contains("SHA-256"), sha.getMessage());
                assertEquals("refused", s.status().outcome());
                assertEquals(ErrorCode.BAD_REQUEST, assertThrows(InfernetException.class,
                        () -> s.update(Optional.of(tmp.resolve("nowhere").toString()), false, false)).code(),
                        "a source named in the request that cannot be read");
                assertEquals("failed", s.status().outcome());
            } finally {
                s.deactivate();
            }
            UpdateService down = service(osgi, Map.of("source", tmp.resolve("gone").toString()));
            try {
                assertEquals(ErrorCode.INTERNAL_ERROR, assertThrows(InfernetException.class,
                        () -> down.update(Optional.empty(), false, false)).code(), "the configured source is down");
            } finally {
                down.deactivate();
            }
            UpdateService badKey = service(osgi, Map.of("source", source.toString(), "public_key", "AAAA"));
            try {
                InfernetException e = assertThrows(InfernetException.class,
                        () -> badKey.update(Optional.empty(), false, false));
                assertTrue(e.getMessage().contains("public.key"), e.getMessage());
            } finally {
                badKey.deactivate();
            }
        }
    }

    @Test
    void whatWasUpdatedComesBackAfterARestart() throws Exception {
        Path source = TestBundles.source(tmp.resolve("src"), TestBundles.jar(tmp.resolve("v11"), "1.1.0",
                TestBundles.Behaviour.GOOD));
        try (TestFramework osgi = framework("first")) {
            UpdateService s = service(osgi, Map.of());
            assertEquals("applied", s.update(Optional.of(source.toString()), false, false).outcome());
            s.deactivate();
        }
        // the distribution reinstalls its own jars at each start: a fresh framework has 1.0.0 again
        try (TestFramework osgi = framework("second")) {
            assertEquals("1.0.0", osgi.greeter().getVersion().toString());
            UpdateService s = service(osgi, Map.of("startup_delay_seconds", 0L));
            try {
                osgi.awaitGreeter("1.1.0");
                for (int i = 0; i < 200 && !s.status().outcome().equals("applied"); i++) {
                    Thread.sleep(25);
                }
                assertEquals("applied", s.status().outcome());
            } finally {
                s.deactivate();
            }
        }
    }

    @Test
    void onItsScheduleItAppliesMinorVersionsAndLeavesMajorOnesToTheOperator() throws Exception {
        Path minor = TestBundles.source(tmp.resolve("minor"), TestBundles.jar(tmp.resolve("v11"), "1.1.0",
                TestBundles.Behaviour.GOOD));
        Path major = TestBundles.source(tmp.resolve("major"), TestBundles.jar(tmp.resolve("v2"), "2.0.0",
                TestBundles.Behaviour.GOOD));
        try (TestFramework osgi = framework("a")) {
            UpdateService s = service(osgi, Map.of("auto", true, "startup_delay_seconds", 0L,
                    "source", major.toString()));
            try {
                for (int i = 0; i < 200 && !s.status().outcome().equals("refused"); i++) {
                    Thread.sleep(25);
                }
                assertEquals("refused", s.status().outcome());
                assertTrue(s.status().detail().contains("major version"), s.status().detail());
                assertEquals("1.0.0", osgi.greeter().getVersion().toString());
            } finally {
                s.deactivate();
            }
            UpdateService auto = service(osgi, Map.of("auto", true, "startup_delay_seconds", 0L,
                    "source", minor.toString()));
            try {
                osgi.awaitGreeter("1.1.0");
            } finally {
                auto.deactivate();
            }
        }
    }
}
