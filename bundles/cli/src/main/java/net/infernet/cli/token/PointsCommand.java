package net.infernet.cli.token;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import net.infernet.cli.Cli;
import net.infernet.cli.Command;
import net.infernet.store.PointsStore;
import net.infernet.store.Store;

/**
 * {@code infernet points award <operator> <points> --reason R | show <operator> [--epoch N]}: the points ledger
 * (docs/routing.md, "Points") on the control-plane host. An award is an administrator's hand-given points for work
 * that is not compute (guides, community help), always with its reason.
 */
public final class PointsCommand implements Command {
    private static final Pattern OPERATOR = Pattern.compile("[0-9a-f]{64}");
    private final Clock clock;

    public PointsCommand() {
        this(Clock.systemUTC());
    }

    public PointsCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String name() {
        return "points";
    }

    @Override
    public String summary() {
        return "award points to an operator by hand; show an operator's points (control-plane host)";
    }

    @Override
    public int run(List<String> args, Cli cli) throws Exception {
        if (args.size() < 2 || !OPERATOR.matcher(args.get(1)).matches()) {
            return usage(cli);
        }
        String operator = args.get(1);
        long current = PointsStore.epochOf(clock.instant());
        switch (args.get(0)) {
            case "award" -> {
                Optional<String> reason = ControlPlaneDatabase.option(args, "--reason").filter(r -> !r.isBlank());
                long points;
                try {
                    points = args.size() > 2 ? Long.parseLong(args.get(2)) : 0;
                } catch (NumberFormatException e) {
                    points = 0;
                }
                if (points <= 0 || reason.isEmpty() || reason.get().length() > 500) {
                    cli.err().println("infernet points award: a positive whole number of points and a --reason "
                            + "(at most 500 characters) are required");
                    return Cli.USAGE;
                }
                try (Store store = ControlPlaneDatabase.open(args, cli)) {
                    store.addPoints(List.of(new PointsStore.PointsEntry(operator, current, PointsStore.AWARD, points,
                            reason, clock.instant())));
                }
                cli.out().printf("awarded %d points to %s in epoch %d%n", points, operator, current);
                return Cli.OK;
            }
            case "show" -> {
                long epoch;
                try {
                    epoch = ControlPlaneDatabase.option(args, "--epoch").map(Long::parseLong).orElse(current);
                } catch (NumberFormatException e) {
                    return usage(cli);
                }
                try (Store store = ControlPlaneDatabase.open(args, cli)) {
                    Map<String, Long> mine = store.points(operator, epoch);
                    long total = mine.values().stream().mapToLong(Long::longValue).sum();
                    long network = store.epochTotal(epoch);
                    cli.out().printf("epoch %d (from %s)%n", epoch, PointsStore.epochStart(epoch));
                    for (String kind : List.of(PointsStore.COMPUTE, PointsStore.UPTIME, PointsStore.AWARD)) {
                        cli.out().printf("  %-8s %d%n", kind, mine.getOrDefault(kind, 0L));
                    }
                    cli.out().printf("  %-8s %d of %d (%.2f%%)%n", "total", total, network,
                            network == 0 ? 0.0 : 100.0 * total / network);
                }
                return Cli.OK;
            }
            default -> {
                return usage(cli);
            }
        }
    }

    private int usage(Cli cli) {
        cli.err().println("usage: infernet points award <operator key> <points> --reason <why>"
                + " | show <operator key> [--epoch N]");
        return Cli.USAGE;
    }
}
