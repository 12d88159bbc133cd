package net.infernet.core.internal.update;

import static net.infernet.core.internal.update.TestBundles.Behaviour.BROKEN;
import static net.infernet.core.internal.update.TestBundles.Behaviour.FAILING;
import static net.infernet.core.internal.update.TestBundles.Behaviour.GOOD;
import static net.infernet.core.internal.update.TestBundles.Behaviour.UNSATISFIED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import net.infernet.core.update.HealthProbe;
import net.infernet.core.update.UpdateStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;

/**
 * The updater against a real Felix framework running Apache Felix SCR and a real DS bundle ({@code test.greeter}):
 * an update that fails its health check is rolled back and the previous version serves again; a good one is
 * applied and kept; {@code --rollback} goes back; a major version waits for the operator; a jar whose checksum
 * does not match changes nothing.
 */
class UpdateRollbackTest {
    @TempDir
    Path tmp;
    private TestFramework osgi;
    private BundleContext context;
    private BundleUpdater updater;
    private UpdateFiles files;

    @BeforeEach
    void start() throws Exception {
        osgi = new TestFramework(tmp, Map.of());
        context = osgi.context;
        files = new UpdateFiles(tmp.resolve("updates"));
        HealthCheck health = new HealthCheck(context, osgi::scr, () -> Map.of("greeter", (HealthProbe) t -> osgi.serves()));
        updater = new BundleUpdater(context, health, files,
                new BundleUpdater.Limits(Duration.ofSeconds(3), Duration.ofSeconds(1)), Clock.systemUTC());
    }

    @AfterEach
    void stop() throws Exception {
        osgi.close();
    }

    @Test
    void anUpdateWhoseComponentStaysUnsatisfiedIsRolledBackAndTheOldVersionServesAgain() throws Exception {
        assertRolledBack(UNSATISFIED, "unsatisfied references: missing");
    }

    @Test
    void anUpdateWhoseComponentFailsToActivateIsRolledBack() throws Exception {
        assertRolledBack(FAILING, "failed to activate");
    }

    @Test
    void anUpdateThatOnlyTheHealthProbeFindsBrokenIsRolledBack() throws Exception {
        assertRolledBack(BROKEN, "health probe greeter failed");
    }

    private void assertRolledBack(TestBundles.Behaviour behaviour, String reason) throws Exception {
        Path source = TestBundles.source(tmp.resolve("src"), TestBundles.jar(tmp.resolve("v11"), "1.1.0", behaviour));
        UpdateStatus status = apply(source, BundleUpdater.Mode.AUTOMATIC);
        assertEquals("rolled_back", status.outcome(), status.detail());
        assertTrue(status.detail().contains(reason), status.detail());
        assertTrue(status.detail().contains("after rollback: healthy"), status.detail());
        assertEquals(TestBundles.v("1.0.0"), greeter().getVersion());
        assertEquals(Bundle.ACTIVE, greeter().getState());
        assertTrue(osgi.serves(), "the previous version serves again");
        awaitGreeter("1.0.0");
        assertTrue(files.previous().isEmpty(), "a rolled-back update leaves nothing to roll back to");
        assertFalse(Files.exists(files.dir().resolve("work")));
    }

    @Test
    void aBundleTheFailedUpdateInstalledIsUninstalledAgain() throws Exception {
        Path source = TestBundles.source(tmp.resolve("src"),
                TestBundles.jar(tmp.resolve("v11"), "1.1.0", UNSATISFIED),
                TestBundles.jar(tmp.resolve("extra"), "test.extra", "1.0.0", GOOD));
        UpdateStatus status = apply(source, BundleUpdater.Mode.MANUAL);
        assertEquals("rolled_back", status.outcome(), status.detail());
        assertEquals(java.util.List.of("test.greeter 1.0.0 -> 1.1.0", "test.extra - -> 1.0.0"), status.changes());
        assertTrue(UpdatePlan.installed(context, "test.extra").isEmpty(), "the added bundle is gone");
        assertEquals(TestBundles.v("1.0.0"), greeter().getVersion());
        assertEquals(Bundle.ACTIVE, greeter().getState());
    }

    @Test
    void aGoodMinorUpdateIsAppliedAndRollbackGoesBack() throws Exception {
        Path source = TestBundles.source(tmp.resolve("src"), TestBundles.jar(tmp.resolve("v11"), "1.1.0", GOOD));
        UpdateStatus status = apply(source, BundleUpdater.Mode.AUTOMATIC);
        assertEquals("applied", status.outcome(), status.detail());
        assertEquals(java.util.List.of("test.greeter 1.0.0 -> 1.1.0"), status.changes());
        assertEquals(TestBundles.v("1.1.0"), greeter().getVersion());
        awaitGreeter("1.1.0");
        assertEquals("up_to_date", apply(source, BundleUpdater.Mode.AUTOMATIC).outcome());
        assertTrue(Files.isRegularFile(files.dir().resolve("applied").resolve("test.greeter-1.1.0-good.jar")));

        DirectorySource previous = files.previous().orElseThrow();
        UpdateStatus back = updater.apply(previous, BundleUpdater.load(previous, Optional.empty()),
                BundleUpdater.Mode.ROLLBACK, true);
        assertEquals("applied", back.outcome(), back.detail());
        assertEquals(TestBundles.v("1.0.0"), greeter().getVersion());
        awaitGreeter("1.0.0");
        assertEquals(TestBundles.v("1.1.0"), UpdateIndex.parse(Files.readAllBytes(
                files.previous().orElseThrow().dir().resolve("index.json"))).bundles().get(0).version(),
                "rolling back keeps what it replaced, so it can be undone");
    }

    @Test
    void aMajorVersionIsRefusedAutomaticallyAndAppliedByHand() throws Exception {
        Path source = TestBundles.source(tmp.resolve("src"), TestBundles.jar(tmp.resolve("v2"), "2.0.0", GOOD));
        UpdateRefused refused = assertThrows(UpdateRefused.class, () -> apply(source, BundleUpdater.Mode.AUTOMATIC));
        assertTrue(refused.getMessage().contains("major version"), refused.getMessage());
        assertEquals(TestBundles.v("1.0.0"), greeter().getVersion());
        assertEquals("applied", apply(source, BundleUpdater.Mode.MANUAL).outcome());
        assertEquals(TestBundles.v("2.0.0"), greeter().getVersion());
        awaitGreeter("2.0.0");
    }

    @Test
    void theFrameworkAndThePlatformAreNotUpdatedInPlace() {
        for (String name : java.util.List.of("org.apache.felix.framework", "org.apache.felix.scr")) {
            UpdateIndex index = new UpdateIndex(Optional.empty(), java.util.List.of(new UpdateIndex.Entry(name,
                    TestBundles.v("99.0.0"), "x.jar", "0".repeat(64))), java.util.List.of());
            UpdateRefused refused = assertThrows(UpdateRefused.class, () -> updater.plan(index, BundleUpdater.Mode.MANUAL));
            assertTrue(refused.getMessage().contains("cannot be updated in place"), refused.getMessage());
        }
        UpdateIndex newBundle = new UpdateIndex(Optional.empty(), java.util.List.of(new UpdateIndex.Entry("test.new",
                TestBundles.v("1.0.0"), "n.jar", "0".repeat(64))), java.util.List.of(TestBundles.NAME));
        assertEquals("[test.new - -> 1.0.0, test.greeter 1.0.0 -> -]",
                updater.plan(newBundle, BundleUpdater.Mode.AUTOMATIC).changes().toString());
    }

    @Test
    void aSignedIndexServedOverHttpIsVerifiedAndApplied() throws Exception {
        Path dir = TestBundles.source(tmp.resolve("src"), TestBundles.jar(tmp.resolve("v11"), "1.1.0", GOOD));
        java.security.KeyPair keys = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        java.security.Signature signer = java.security.Signature.getInstance("Ed25519");
        signer.initSign(keys.getPrivate());
        signer.update(Files.readAllBytes(dir.resolve("index.json")));
        Files.write(dir.resolve("index.json.sig"), signer.sign());
        try (TestHttp server = new TestHttp(path -> {
            if (!path.startsWith("/release/")) {
                return Optional.empty();
            }
            Path file = dir.resolve(path.substring("/release/".length()));
            try {
                return Files.isRegularFile(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        })) {
            UpdateSource source = UpdateSource.of(server.url("/release")).orElseThrow();
            java.security.PublicKey other = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair()
                    .getPublic();
            assertThrows(UpdateRefused.class, () -> BundleUpdater.load(source, Optional.of(other)));
            UpdateStatus status = updater.apply(source, BundleUpdater.load(source, Optional.of(keys.getPublic())),
                    BundleUpdater.Mode.AUTOMATIC, false);
            assertEquals("applied", status.outcome(), status.detail());
            awaitGreeter("1.1.0");
        }
    }

    @Test
    void aJarWhoseChecksumDoesNotMatchChangesNothing() throws Exception {
        Path source = TestBundles.source(tmp.resolve("src"), TestBundles.jar(tmp.resolve("v11"), "1.1.0", GOOD));
        Files.copy(TestBundles.jar(tmp.resolve("other"), "1.1.0", BROKEN), source.resolve("test.greeter-1.1.0-good.jar"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        UpdateRefused refused = assertThrows(UpdateRefused.class, () -> apply(source, BundleUpdater.Mode.MANUAL));
        assertTrue(refused.getMessage().contains("SHA-256"), refused.getMessage());
        assertEquals(TestBundles.v("1.0.0"), greeter().getVersion());
        assertFalse(Files.exists(files.dir().resolve("work")));
    }

    @Test
    void anUnhealthyProcessIsNotUpdatedAutomatically() throws Exception {
        java.util.jar.Manifest m = new java.util.jar.Manifest();
        m.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().putValue(Constants.BUNDLE_MANIFESTVERSION, "2");
        m.getMainAttributes().putValue(Constants.BUNDLE_SYMBOLICNAME, "test.unresolvable");
        m.getMainAttributes().putValue(Constants.IMPORT_PACKAGE, "net.infernet.test.nowhere");
        java.io.ByteArrayOutputStream jar = new java.io.ByteArrayOutputStream();
        new java.util.jar.JarOutputStream(jar, m).close();
        Bundle broken = context.installBundle("test:unresolvable", new java.io.ByteArrayInputStream(jar.toByteArray()));
        assertThrows(org.osgi.framework.BundleException.class, broken::start);
        Path source = TestBundles.source(tmp.resolve("src"), TestBundles.jar(tmp.resolve("v11"), "1.1.0", GOOD));
        UpdateRefused refused = assertThrows(UpdateRefused.class, () -> apply(source, BundleUpdater.Mode.AUTOMATIC));
        assertTrue(refused.getMessage().contains("unhealthy before the update"), refused.getMessage());
        assertTrue(refused.getMessage().contains("test.unresolvable is INSTALLED"), refused.getMessage());
        assertEquals(TestBundles.v("1.0.0"), greeter().getVersion());
        broken.uninstall();
        assertEquals("applied", apply(source, BundleUpdater.Mode.AUTOMATIC).outcome());
    }

    private UpdateStatus apply(Path dir, BundleUpdater.Mode mode) throws Exception {
        DirectorySource source = new DirectorySource(dir);
        return updater.apply(source, BundleUpdater.load(source, Optional.empty()), mode, false);
    }

    private Bundle greeter() {
        return osgi.greeter();
    }

    private void awaitGreeter(String version) throws Exception {
        osgi.awaitGreeter(version);
    }
}
