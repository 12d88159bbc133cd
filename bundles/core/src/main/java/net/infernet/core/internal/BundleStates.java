package net.infernet.core.internal;

import org.osgi.framework.Bundle;

/** Names of bundle states as operators know them from Felix's {@code lb}. */
final class BundleStates {
    private BundleStates() {
    }

    static String name(Bundle bundle) {
        switch (bundle.getState()) {
            case Bundle.ACTIVE: return "ACTIVE";
            case Bundle.RESOLVED: return "RESOLVED";
            case Bundle.STARTING: return "STARTING";
            case Bundle.STOPPING: return "STOPPING";
            case Bundle.INSTALLED: return "INSTALLED";
            default: return "UNINSTALLED";
        }
    }
}
