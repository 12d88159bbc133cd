package net.infernet.core.http;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import org.osgi.annotation.versioning.ConsumerType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Base class for the servlets of the Infernet HTTP API: turns an {@link InfernetException} into the error
 * envelope, and any other failure into {@code internal_error} without leaking a stack trace to the client.
 */
@ConsumerType
public abstract class ApiServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ApiServlet.class);

    protected final transient HttpApi api;

    protected ApiServlet(HttpApi api) {
        this.api = api;
    }

    /** Handles one request of any method; unsupported methods should throw {@code BAD_REQUEST} or use {@link #methodNotAllowed}. */
    protected abstract void handle(HttpServletRequest request, HttpServletResponse response) throws IOException;

    @Override
    protected final void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            handle(request, response);
        } catch (InfernetException e) {
            respondError(request, response, e.code(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("event=request_failed method={} path={} error={}", request.getMethod(),
                    request.getRequestURI(), e.toString(), e);
            respondError(request, response, ErrorCode.INTERNAL_ERROR, "internal error");
        }
    }

    protected static InfernetException methodNotAllowed(HttpServletRequest request) {
        return new InfernetException(ErrorCode.BAD_REQUEST,
                "method " + request.getMethod() + " is not supported on " + request.getRequestURI());
    }

    private void respondError(HttpServletRequest request, HttpServletResponse response, ErrorCode code,
            String message) throws IOException {
        if (response.isCommitted()) {
            return; // a streaming response already started; the stream reports its own errors
        }
        response.reset();
        HttpApi.closeIfBodyUnread(request, response);
        api.writeError(response, code, message);
    }
}
