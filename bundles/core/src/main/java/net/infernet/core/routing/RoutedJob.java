package net.infernet.core.routing;

import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** What a router sees of the job it places. */
@ProviderType
public interface RoutedJob {
    String id();

    String model();

    /** The node the client pinned the job to, if any (every candidate then is that node). */
    Optional<String> nodePin();
}
