package net.infernet.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class EnvBindingTest {
    @Test
    void parsesEveryEntryOfTheHeader() {
        List<EnvBinding> b = EnvBinding.parse("OLLAMA_HOST=net.infernet.backend.ollama/host, INFERNET_BACKEND=net.infernet.node/backend");
        assertEquals(List.of(new EnvBinding("OLLAMA_HOST", "net.infernet.backend.ollama", "host"),
                new EnvBinding("INFERNET_BACKEND", "net.infernet.node", "backend")), b);
    }

    @Test
    void emptyHeaderBindsNothing() {
        assertTrue(EnvBinding.parse(" ").isEmpty());
    }

    @Test
    void malformedEntryIsRejectedWithTheEntryInTheMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EnvBinding.parse("OLLAMA_HOST=net.infernet.backend.ollama"));
        assertTrue(e.getMessage().contains("OLLAMA_HOST=net.infernet.backend.ollama"), e.getMessage());
    }
}
