package com.example.myrouter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import net.infernet.core.routing.Candidate;
import net.infernet.core.routing.Candidates;
import net.infernet.core.routing.Instance;
import net.infernet.core.routing.RoutedJob;
import org.junit.jupiter.api.Test;

/** The router on hand-made candidates: the SPI's types are interfaces, so a test needs no control plane. */
class MyRouterTest {
    private final MyRouter router = new MyRouter();

    private record Node(String nodeId, int activeJobs, int maxJobs, double vramGb) implements Candidate {
        @Override
        public String operatorId() {
            return "op-" + nodeId;
        }

        @Override
        public double operatorVramGb() {
            return vramGb;
        }

        @Override
        public OptionalDouble tokensPerSecond() {
            return OptionalDouble.empty();
        }
    }

    private static Candidates of(Node... nodes) {
        return new Candidates() {
            @Override
            public List<? extends Candidate> list() {
                return List.of(nodes);
            }

            @Override
            public Optional<? extends Candidate> find(String nodeId) {
                return list().stream().filter(n -> n.nodeId().equals(nodeId)).findFirst();
            }

            @Override
            public List<? extends Instance> pool() {
                return list();
            }

            @Override
            public double utilisation() {
                return 0;
            }
        };
    }

    private static final RoutedJob JOB = new RoutedJob() {
        @Override
        public String id() {
            return "job_1";
        }

        @Override
        public String model() {
            return "m1";
        }

        @Override
        public Optional<String> nodePin() {
            return Optional.empty();
        }
    };

    private String chosen(Node... nodes) {
        return router.choose(JOB, of(nodes)).map(Candidate::nodeId).orElse("none");
    }

    @Test
    void prefersFreeSlotsThenMemoryThenTheLowestId() {
        assertEquals("b", chosen(new Node("a", 3, 4, 80), new Node("b", 0, 2, 8)));
        assertEquals("a", chosen(new Node("a", 0, 2, 24), new Node("b", 0, 2, 8)));
        assertEquals("a", chosen(new Node("b", 1, 2, 24), new Node("a", 1, 2, 24)));
    }

    @Test
    void noCandidateLeavesTheJobWaiting() {
        assertTrue(router.choose(JOB, of()).isEmpty());
    }
}
