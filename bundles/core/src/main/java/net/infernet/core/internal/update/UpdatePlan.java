package net.infernet.core.internal.update;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.Version;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * What an index changes in this framework: bundles to update (newer version), to install (not installed) and to
 * uninstall ({@code remove}). Bundles at the index's version stay; older versions in the index are kept out unless
 * rolling back. The updater never updates the framework, itself (core), FileInstall, SCR, or a bundle whose refresh
 * would restart core (Jackson, SLF4J, ...): those come with a new distribution.
 */
record UpdatePlan(List<Change> changes, List<String> notes) {
    UpdatePlan {
        changes = List.copyOf(changes);
        notes = List.copyOf(notes);
    }

    enum Kind { UPDATE, INSTALL, UNINSTALL }

    /** One bundle changed; {@code bundle} is empty for an install, {@code entry} empty for an uninstall. */
    record Change(Kind kind, String symbolicName, Optional<Version> from, Optional<Version> to,
            Optional<Bundle> bundle, Optional<UpdateIndex.Entry> entry) {
        @Override
        public String toString() {
            return symbolicName + " " + from.map(Version::toString).orElse("-") + " -> "
                    + to.map(Version::toString).orElse("-");
        }
    }

    boolean isEmpty() {
        return changes.isEmpty();
    }

    private static final Set<String> PLATFORM = Set.of("org.apache.felix.fileinstall", "org.apache.felix.scr");

    /**
     * The plan for {@code index}. {@code allowMajor}: a new major version may be applied (by hand); automatic
     * updates refuse the whole index instead. {@code downgrade}: older versions are applied too (a rollback).
     */
    static UpdatePlan of(UpdateIndex index, BundleContext context, boolean allowMajor, boolean downgrade) {
        List<Change> changes = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (UpdateIndex.Entry e : index.bundles()) {
            Optional<Bundle> installed = installed(context, e.symbolicName());
            if (installed.isEmpty()) {
                changes.add(new Change(Kind.INSTALL, e.symbolicName(), Optional.empty(), Optional.of(e.version()),
                        Optional.empty(), Optional.of(e)));
                continue;
            }
            Bundle b = installed.get();
            int order = e.version().compareTo(b.getVersion());
            if (order == 0 || (order < 0 && !downgrade)) {
                if (order < 0) {
                    notes.add(e.symbolicName() + " " + b.getVersion() + " is newer than the index's " + e.version());
                }
                continue;
            }
            protectedReason(context, b).ifPresent(why -> {
                throw new UpdateRefused(e.symbolicName() + " cannot be updated in place (" + why
                        + "): it comes with a new distribution");
            });
            if (e.version().getMajor() != b.getVersion().getMajor() && !allowMajor) {
                throw new UpdateRefused(e.symbolicName() + " " + b.getVersion() + " -> " + e.version()
                        + " changes the major version: automatic updates apply minor versions only; run 'infernet upgrade'");
            }
            changes.add(new Change(Kind.UPDATE, e.symbolicName(), Optional.of(b.getVersion()),
                    Optional.of(e.version()), installed, Optional.of(e)));
        }
        for (String name : index.remove()) {
            installed(context, name).ifPresent(b -> {
                protectedReason(context, b).ifPresent(why -> {
                    throw new UpdateRefused(name + " cannot be removed (" + why + ")");
                });
                changes.add(new Change(Kind.UNINSTALL, name, Optional.of(b.getVersion()), Optional.empty(),
                        Optional.of(b), Optional.empty()));
            });
        }
        return new UpdatePlan(changes, notes);
    }

    /** The installed bundle of that name (the highest version when several are). */
    static Optional<Bundle> installed(BundleContext context, String symbolicName) {
        return Arrays.stream(context.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName()))
                .max(Comparator.comparing(Bundle::getVersion));
    }

    /** Why the updater must leave this bundle alone, if it must. */
    static Optional<String> protectedReason(BundleContext context, Bundle b) {
        Bundle self = context.getBundle();
        if (b.getBundleId() == 0) {
            return Optional.of("the framework");
        }
        if (b.equals(self) && self.getBundleId() != 0) {
            return Optional.of("it runs the updater");
        }
        if (PLATFORM.contains(b.getSymbolicName())) {
            return Optional.of("platform bundle");
        }
        if (self.getBundleId() != 0) {
            FrameworkWiring wiring = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkWiring.class);
            if (wiring.getDependencyClosure(List.of(b)).contains(self)) {
                return Optional.of("refreshing it would restart the updater");
            }
        }
        return Optional.empty();
    }
}
