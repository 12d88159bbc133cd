package net.infernet.node.internal;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import net.infernet.core.http.ApiServlet;
import net.infernet.core.http.HttpApi;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/** {@code GET /api/v1/node/status}: what {@code infernet status} and {@code infernet doctor} show. */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/api/v1/node/status")
public final class StatusServlet extends ApiServlet {
    private static final long serialVersionUID = 1L;
    private final transient NodeStatusSource node;

    @Activate
    public StatusServlet(@Reference NodeStatusSource node) {
        super(new HttpApi(0));
        this.node = node;
    }

    @Override
    protected void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!"GET".equals(request.getMethod())) {
            throw methodNotAllowed(request);
        }
        api.writeJson(response, 200, json(node.status()));
    }

    static Map<String, Object> json(NodeStatus s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("node_id", s.nodeId().orElse(null));
        out.put("public_key", s.publicKey());
        out.put("state", s.state());
        out.put("backend", s.backend().orElse(null));
        out.put("backend_reason", s.backendReason());
        out.put("models", s.models());
        out.put("active_jobs", s.activeJobs());
        out.put("max_jobs", s.maxJobs());
        out.put("jobs_completed", s.jobsCompleted());
        out.put("jobs_failed", s.jobsFailed());
        out.put("control_plane", s.controlPlane());
        out.put("control_plane_reachable", s.controlPlaneReachable());
        out.put("last_heartbeat", s.lastHeartbeat().map(Object::toString).orElse(null));
        out.put("started_at", s.startedAt().toString());
        return out;
    }
}
