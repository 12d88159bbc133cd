package net.infernet.node.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.backend.ModelInfo;
import net.infernet.core.http.ApiServlet;
import net.infernet.core.http.HttpApi;
import net.infernet.core.http.JsonFields;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * The operator's model management on the node itself ({@code infernet model install|remove|list}); loopback
 * callers only, since installing a model costs disk and bandwidth. {@code POST /api/v1/node/models/install}
 * answers with NDJSON progress lines, one per engine progress update, then {@code {"done":true}} or an error line.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern({"/api/v1/node/models", "/api/v1/node/models/*"})
public final class ModelsServlet extends ApiServlet {
    private static final long serialVersionUID = 1L;
    private final transient NodeStatusSource node;
    private final transient ModelControl models;

    @Activate
    public ModelsServlet(@Reference NodeStatusSource node, @Reference ModelControl models) {
        super(new HttpApi(64 * 1024));
        this.node = node;
        this.models = models;
    }

    @Override
    protected void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!InetAddress.getByName(request.getRemoteAddr()).isLoopbackAddress()) {
            throw new InfernetException(ErrorCode.UNAUTHORIZED, "model management is allowed from this machine only");
        }
        String path = request.getRequestURI();
        String method = request.getMethod();
        if (path.endsWith("/api/v1/node/models") && method.equals("GET")) {
            ObjectNode out = api.mapper().createObjectNode();
            ArrayNode list = out.putArray("models");
            for (ModelInfo m : models.engineModels()) {
                ObjectNode o = list.addObject().put("name", m.name());
                m.sizeBytes().ifPresent(sz -> o.put("size_bytes", sz));
            }
            out.put("backend", node.status().backend().orElse(null));
            out.set("served_models", api.mapper().valueToTree(node.status().models()));
            api.writeJson(response, 200, out);
        } else if (path.endsWith("/install") && method.equals("POST")) {
            install(JsonFields.requireString(api.readObject(request), "model"), response);
        } else if (path.endsWith("/remove") && method.equals("POST")) {
            models.remove(JsonFields.requireString(api.readObject(request), "model"));
            api.writeJson(response, 200, java.util.Map.of("ok", true));
        } else {
            throw new InfernetException(ErrorCode.NOT_FOUND, "no such endpoint: " + method + " " + path);
        }
    }

    private void install(String model, HttpServletResponse response) throws IOException {
        response.setStatus(200);
        response.setContentType("application/x-ndjson");
        PrintWriter out = response.getWriter();
        try {
            models.install(model, (status, done, total) -> {
                ObjectNode line = api.mapper().createObjectNode();
                line.put("status", status).put("completed", done).put("total", total);
                out.println(line);
                out.flush(); // the progress bar moves as the engine downloads
            });
            out.println("{\"done\":true}");
        } catch (InfernetException e) {
            ObjectNode line = api.mapper().createObjectNode();
            out.println(line.put("error", e.code().wire()).put("message", e.getMessage()));
        } catch (RuntimeException e) {
            ObjectNode line = api.mapper().createObjectNode();
            out.println(line.put("error", ErrorCode.BACKEND_ERROR.wire()).put("message", String.valueOf(e.getMessage())));
        }
        out.flush();
    }
}
