package net.infernet.dashboard;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.servlet.whiteboard.HttpWhiteboardConstants;

/**
 * {@code GET /} → {@code 302 /dashboard/}. The pattern {@code ""} is the servlet specification's exact match for the
 * context root, so this servlet answers {@code /} and nothing else (a plain property: the pattern annotation writes
 * an empty value as no value at all, and the whiteboard then ignores the servlet; it also adds the
 * {@code osgi.implementation=osgi.http} requirement, which the dashboard servlet states already): every unknown path still gets the HTTP bundle's
 * {@code 404 not_found} envelope. No other bundle serves {@code /}. A temporary redirect, so a browser does not keep
 * it once the dashboard bundle is taken out of the distribution.
 */
@Component(service = Servlet.class, property = HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN + "=")
public final class RootRedirectServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        SecurityHeaders.apply(response);
        String method = request.getMethod();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            response.setHeader("Allow", "GET, HEAD");
            SecurityHeaders.error(response, 400, "bad_request", "method " + method + " is not supported on /");
            return;
        }
        response.setStatus(302);
        response.setHeader("Location", "/dashboard/");
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(0);
    }
}
