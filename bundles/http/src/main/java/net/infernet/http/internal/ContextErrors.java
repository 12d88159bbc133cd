package net.infernet.http.internal;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.ee10.servlet.ErrorHandler;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.MimeTypes;

/**
 * The servlet context's error handler: answers errors raised inside the context (an unknown path, an ambiguous or
 * suspicious URI, an exception no servlet caught) with the JSON envelope instead of Jetty's HTML page. While the
 * framework is still starting, a path that has no servlet yet is answered 503 with {@code Retry-After}, not 404: its
 * servlet may be a moment away (a node's receipt sent to a control plane that is restarting must be retried, not
 * given up on).
 */
final class ContextErrors extends ErrorHandler {
    private final BooleanSupplier starting;

    ContextErrors(BooleanSupplier starting) {
        this.starting = starting;
    }

    /** Every method gets the envelope (Jetty writes a body for GET, POST and HEAD only). */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateAcceptableResponse(ServletContextRequest baseRequest, HttpServletRequest request,
            HttpServletResponse response, int code, String message) throws IOException {
        byte[] body;
        if (code == HttpServletResponse.SC_NOT_FOUND && starting.getAsBoolean()) {
            response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            response.setHeader("Retry-After", "1");
            body = JsonErrorPages.starting();
        } else {
            body = JsonErrorPages.body(code, message);
        }
        response.setContentType(MimeTypes.Type.APPLICATION_JSON_UTF_8.asString());
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        return JsonErrorPages.badMessage(status, reason, fields);
    }
}
