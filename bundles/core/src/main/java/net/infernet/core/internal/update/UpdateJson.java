package net.infernet.core.internal.update;

import java.util.LinkedHashMap;
import java.util.Map;
import net.infernet.core.update.UpdateStatus;

/** An {@link UpdateStatus} as the admin endpoint writes it. */
final class UpdateJson {
    private UpdateJson() {
    }

    static Map<String, Object> of(UpdateStatus s) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("outcome", s.outcome());
        body.put("detail", s.detail());
        s.at().ifPresent(at -> body.put("at", at.toString()));
        body.put("changes", s.changes());
        return body;
    }
}
