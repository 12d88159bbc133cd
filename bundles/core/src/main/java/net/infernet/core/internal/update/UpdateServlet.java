package net.infernet.core.internal.update;

import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Optional;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.http.ApiServlet;
import net.infernet.core.http.HttpApi;
import net.infernet.core.update.UpdateStatus;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * The updater's admin endpoint (docs/protocol.md, "Updates"), loopback callers only, what {@code infernet upgrade}
 * calls: {@code GET /api/v1/admin/update} (status), {@code POST /api/v1/admin/update} (apply now; body
 * {@code {"source"?, "force"?, "dry_run"?}}) and {@code POST /api/v1/admin/update/rollback}.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern({"/api/v1/admin/update", "/api/v1/admin/update/*"})
public final class UpdateServlet extends ApiServlet {
    private static final long serialVersionUID = 1L;
    private final transient UpdateControl updates;

    @Activate
    public UpdateServlet(@Reference UpdateControl updates) {
        super(new HttpApi(64 * 1024));
        this.updates = updates;
    }

    @Override
    protected void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!InetAddress.getByName(request.getRemoteAddr()).isLoopbackAddress()) {
            throw new InfernetException(ErrorCode.UNAUTHORIZED, "updates are only available from localhost");
        }
        String sub = Optional.ofNullable(request.getPathInfo()).orElse("");
        if (sub.isEmpty() || sub.equals("/")) {
            if ("GET".equals(request.getMethod())) {
                api.writeJson(response, 200, updates.describe());
                return;
            }
            if (!"POST".equals(request.getMethod())) {
                throw methodNotAllowed(request);
            }
            byte[] raw = api.readBody(request);
            ObjectNode body = raw.length == 0 ? api.mapper().createObjectNode() : api.parseObject(raw);
            Optional<String> source = Optional.of(body.path("source")).filter(n -> n.isTextual()).map(n -> n.asText());
            answer(response, updates.update(source, flag(body, "force"), flag(body, "dry_run")));
        } else if (sub.equals("/rollback")) {
            if (!"POST".equals(request.getMethod())) {
                throw methodNotAllowed(request);
            }
            answer(response, updates.rollback());
        } else {
            throw new InfernetException(ErrorCode.NOT_FOUND, "no such update endpoint: " + request.getRequestURI());
        }
    }

    private static boolean flag(ObjectNode body, String name) {
        if (body.has(name) && !body.get(name).isBoolean()) {
            throw new InfernetException(ErrorCode.BAD_REQUEST, "\"" + name + "\" must be true or false");
        }
        return body.path(name).asBoolean(false);
    }

    private void answer(HttpServletResponse response, UpdateStatus status) throws IOException {
        api.writeJson(response, 200, UpdateJson.of(status));
    }
}
