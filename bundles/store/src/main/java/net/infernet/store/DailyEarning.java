package net.infernet.store;

/** One day's receipts of a set of nodes: {@code day} counts days since 1970-01-01 (UTC). */
public record DailyEarning(long day, long jobs, long netMicro) {
}
