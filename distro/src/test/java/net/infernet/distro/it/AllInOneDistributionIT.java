package net.infernet.distro.it;

import static org.junit.Assert.assertTrue;

import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.runtime.ServiceComponentRuntime;

/** Boots the {@code all-in-one} distribution's resolved bundle set in Felix. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class AllInOneDistributionIT {
    @Inject
    private BundleContext context;

    @Inject
    private ServiceComponentRuntime scr;

    @Configuration
    public Option[] config() {
        return DistributionTestSupport.distribution("all-in-one");
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
}
