package net.infernet.core.internal;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import net.infernet.core.http.ApiServlet;
import net.infernet.core.http.HttpApi;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/** {@code GET /api/v1/health}: answered by every distribution as soon as its HTTP server is up. */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/api/v1/health")
public final class HealthServlet extends ApiServlet {
    private static final long serialVersionUID = 1L;
    private final String version;

    @Activate
    public HealthServlet(BundleContext context) {
        super(new HttpApi(0));
        this.version = context.getBundle().getVersion().toString();
    }

    @Override
    protected void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod())) {
            throw methodNotAllowed(request);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ok");
        body.put("version", version);
        body.put("uptime_s", ManagementFactory.getRuntimeMXBean().getUptime() / 1000);
        api.writeJson(response, 200, body);
    }
}
