package net.infernet.distro.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;
import javax.inject.Inject;
import net.infernet.protocol.crypto.Schnorr;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.runtime.ServiceComponentRuntime;

/** Boots the {@code control-plane} distribution's resolved bundle set in Felix. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ControlPlaneDistributionIT {
    @Inject
    private BundleContext context;

    @Inject
    private ServiceComponentRuntime scr;

    @Configuration
    public Option[] config() {
        return DistributionTestSupport.distribution("control-plane");
    }

    @Test
    public void everyBundleIsActive() {
        assertTrue("net.infernet.control.plane is part of the distribution", RuntimeChecks.hasBundle(context, "net.infernet.control.plane"));
        RuntimeChecks.assertEveryBundleActive(context);
    }

    @Test
    public void logsReachTheConsole() {
        RuntimeChecks.assertLogsThroughSlf4jSimple();
    }

    @Test
    public void everyComponentIsSatisfied() throws Exception {
        RuntimeChecks.assertEveryComponentSatisfied(scr);
    }

    @Test
    public void healthEndpointAnswers() throws Exception {
        RuntimeChecks.assertHealthy(context);
    }

    /**
     * Inside Felix, libsecp256k1 comes from the protocol bundle's Bundle-NativeCode (not the class-path fallback the
     * unit tests use): on Linux x86-64 and AArch64 the control plane must verify X-Infernet-Auth natively.
     */
    @Test
    public void signaturesVerifyInLibsecp256k1() {
        String arch = System.getProperty("os.arch");
        boolean shipped = System.getProperty("os.name").startsWith("Linux")
                && Arrays.asList("amd64", "x86_64", "aarch64").contains(arch);
        assertEquals(Schnorr.verificationEngine(), shipped, Schnorr.nativeVerification());
        byte[] secret = new byte[32];
        secret[31] = 7;
        byte[] message = new byte[32];
        byte[] signature = Schnorr.sign(message, secret, new byte[32]);
        assertTrue(Schnorr.verify(message, Schnorr.xOnlyPublicKey(secret), signature));
        signature[0] ^= 1;
        assertFalse(Schnorr.verify(message, Schnorr.xOnlyPublicKey(secret), signature));
    }
}
