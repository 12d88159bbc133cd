package net.infernet.metrics;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import net.infernet.core.metrics.Metrics;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardFilterPattern;

/**
 * Counts every HTTP request by method, route and status ({@code infernet_http_requests_total}). The route is the
 * pattern of the servlet that served it ({@code /api/v1/jobs/*}), never the raw path, so the label set stays as small
 * as the API; a long-lived stream (SSE) is counted when it starts, with the status it started with.
 */
@Component(service = Filter.class)
@HttpWhiteboardFilterPattern("/*")
public final class RequestMetrics implements Filter {
    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS");
    private final Metrics.Counter requests;

    @Activate
    public RequestMetrics(@Reference Metrics metrics) {
        requests = metrics.counter("infernet_http_requests", "HTTP requests by method, route and status",
                "method", "route", "status");
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        try {
            chain.doFilter(req, res);
        } finally {
            if (req instanceof HttpServletRequest http && res instanceof HttpServletResponse response) {
                HttpServletMapping mapping = http.getHttpServletMapping();
                String route = mapping == null || mapping.getPattern() == null || mapping.getPattern().isEmpty()
                        ? "other" : mapping.getPattern();
                String method = METHODS.contains(http.getMethod()) ? http.getMethod() : "OTHER";
                requests.inc(1, method, route, String.valueOf(response.getStatus()));
            }
        }
    }
}
