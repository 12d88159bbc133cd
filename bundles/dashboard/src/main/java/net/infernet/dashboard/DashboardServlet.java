package net.infernet.dashboard;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import java.util.regex.Pattern;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * The dashboard at {@code /dashboard/}: {@code index.html} for {@code /dashboard}, {@code /dashboard/} and every
 * client-side route ({@code /dashboard/keys}, {@code /dashboard/admin/accounts}: lower-case words, no dot), the
 * files under {@code /dashboard/assets/<version>/}, and the API's {@code 404 not_found} envelope for anything else.
 * <p>
 * Caching: {@code index.html} is {@code no-cache} with a strong ETag (every load revalidates it, a 304 when
 * nothing changed, so a new bundle shows at the next load); assets under the current version are
 * {@code max-age=31536000, immutable}, since their URL changes with their content (see {@link WebFiles}). A repeat
 * visit therefore costs one conditional request. An asset asked for under another version (a page loaded before the
 * bundle was updated) gets today's file with {@code no-cache}.
 * <p>
 * Every answer, errors included, carries the security headers of {@link SecurityHeaders}.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern({"/dashboard", "/dashboard/*"})
public final class DashboardServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final String NO_CACHE = "no-cache";
    static final String IMMUTABLE = "public, max-age=31536000, immutable";
    /** A client-side route: lower-case words separated by single slashes, an optional trailing slash. */
    private static final Pattern ROUTE = Pattern.compile("[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)*/?");

    private final transient WebFiles files;

    @Activate
    public DashboardServlet(BundleContext context) {
        this(WebFiles.fromBundle(context.getBundle()));
    }

    DashboardServlet(WebFiles files) {
        this.files = files;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        SecurityHeaders.apply(response);
        String method = request.getMethod();
        boolean head = "HEAD".equals(method);
        if (!head && !"GET".equals(method)) {
            response.setHeader("Allow", "GET, HEAD");
            SecurityHeaders.error(response, 400, "bad_request",
                    "method " + method + " is not supported on the dashboard");
            return;
        }
        String info = request.getPathInfo();
        String path = info == null || info.isEmpty() ? "" : info.substring(1);
        if (path.startsWith(WebFiles.ASSETS_DIR)) {
            String rest = path.substring(WebFiles.ASSETS_DIR.length());
            int slash = rest.indexOf('/');
            Optional<WebFiles.File> file = slash <= 0 ? Optional.empty()
                    : files.get(WebFiles.ASSETS_DIR + rest.substring(slash + 1));
            if (file.isPresent()) {
                boolean current = rest.substring(0, slash).equals(files.version());
                send(request, response, file.get(), current ? IMMUTABLE : NO_CACHE, head);
                return;
            }
        } else if (path.isEmpty() || path.equals(WebFiles.INDEX) || ROUTE.matcher(path).matches()) {
            send(request, response, files.index(), NO_CACHE, head);
            return;
        }
        SecurityHeaders.error(response, 404, "not_found", "no dashboard file or page at " + request.getRequestURI());
    }

    private static void send(HttpServletRequest request, HttpServletResponse response, WebFiles.File file,
            String cacheControl, boolean head) throws IOException {
        boolean gzip = file.gzip().isPresent() && acceptsGzip(request.getHeader("Accept-Encoding"));
        String etag = gzip ? file.gzipEtag() : file.etag();
        response.setHeader("Cache-Control", cacheControl);
        response.setHeader("ETag", etag);
        if (file.gzip().isPresent()) {
            response.setHeader("Vary", "Accept-Encoding");
        }
        if (matches(request.getHeader("If-None-Match"), etag)) {
            response.setStatus(304);
            return;
        }
        byte[] body = gzip ? file.gzip().get() : file.body();
        response.setStatus(200);
        response.setContentType(file.contentType());
        if (gzip) {
            response.setHeader("Content-Encoding", "gzip");
        }
        response.setContentLength(body.length);
        if (!head) {
            response.getOutputStream().write(body);
        }
    }

    /** {@code If-None-Match}: {@code *} or a list of entity tags, weak ones compared weakly (RFC 9110 13.1.2). */
    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String tag : ifNoneMatch.split(",")) {
            String t = tag.strip();
            if (t.startsWith("W/")) {
                t = t.substring(2);
            }
            if (t.equals("*") || t.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String coding : acceptEncoding.split(",")) {
            String[] parts = coding.strip().split(";");
            if (parts[0].strip().equalsIgnoreCase("gzip")) {
                for (int i = 1; i < parts.length; i++) {
                    String p = parts[i].strip().replace(" ", "");
                    if (p.matches("q=0(\\.0{0,3})?")) {
                        return false;
                    }
                }
                return true;
            }
        }
        return false;
    }
}
