package net.infernet.controlplane.jobs;

import java.util.LinkedHashSet;
import java.util.Set;

/** A node connected here, as the dispatcher counts it: its link and the jobs it holds (guarded by the dispatcher). */
final class NodeSlots {
    final NodeLink link;
    final Set<String> jobs = new LinkedHashSet<>();

    NodeSlots(NodeLink link) {
        this.link = link;
    }

    boolean free() {
        return link.isOpen() && jobs.size() < link.maxJobs();
    }
}
