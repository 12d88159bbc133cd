package net.infernet.controlplane.reputation;

/** Hears the result of each uptime check: the node completed the check inference in time, or not. */
public interface UptimeLog {
    void checked(String nodeId, boolean online);
}
