package net.infernet.controlplane.api;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import net.infernet.core.api.InfernetException;
import net.infernet.core.http.HttpApi;

/** Error answers that keep the headers already set (X-RateLimit-*, Retry-After), unlike a full response reset. */
public final class Responses {
    private Responses() {
    }

    public static void error(HttpApi api, jakarta.servlet.http.HttpServletRequest request, HttpServletResponse response,
            InfernetException e) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        HttpApi.closeIfBodyUnread(request, response);
        api.writeError(response, e.code(), e.getMessage());
    }

    public static String iso(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** The path below the servlet context, e.g. {@code /api/v1/jobs/job_1/stream}. */
    public static String path(jakarta.servlet.http.HttpServletRequest request) {
        String info = request.getPathInfo();
        return request.getServletPath() + (info == null ? "" : info);
    }
}
