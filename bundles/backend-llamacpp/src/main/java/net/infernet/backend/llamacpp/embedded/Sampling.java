package net.infernet.backend.llamacpp.embedded;

import de.kherud.llama.InferenceParameters;
import java.util.List;
import net.infernet.core.api.ChatRequest;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;

/** Maps a chat request's sampling fields onto llama.cpp's inference parameters. */
final class Sampling {
    private Sampling() {
    }

    static InferenceParameters parameters(ChatRequest r) {
        if (r.maxTokens() < 1) {
            throw new InfernetException(ErrorCode.BAD_REQUEST, "max_tokens must be at least 1");
        }
        InferenceParameters p = new InferenceParameters("")
                .setNPredict(r.maxTokens())
                // with the prompt cache on, a request that follows another with the same prompt can sample a
                // different text (test-components.md §1a); greedy output must not depend on what ran before
                .setCachePrompt(false);
        if (r.temperature() <= 0) {
            p.setTemperature(0f).setTopK(1); // greedy: the same prompt gives the same text
        } else {
            p.setTemperature((float) r.temperature()).setTopP((float) r.topP());
        }
        Object seed = r.extra().get("seed");
        if (seed instanceof Number n) {
            p.setSeed(n.intValue());
        }
        Object stop = r.extra().get("stop");
        if (stop instanceof String s && !s.isEmpty()) {
            p.setStopStrings(s);
        } else if (stop instanceof List<?> l && !l.isEmpty()) {
            p.setStopStrings(l.stream().map(String::valueOf).toArray(String[]::new));
        }
        return p;
    }
}
