package net.infernet.controlplane.nodes;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import net.infernet.protocol.auth.RequestSigner;

/**
 * What an {@code X-Infernet-Auth} signature covers: method, path with query as on the request line, the exact body
 * bytes, and the header itself; and where the request came from.
 */
public record SignedRequest(String method, String pathWithQuery, byte[] body, Optional<String> authHeader,
        String remoteAddress) {
    public static SignedRequest of(HttpServletRequest request, byte[] body) {
        String query = request.getQueryString();
        return new SignedRequest(request.getMethod(), request.getRequestURI() + (query == null ? "" : "?" + query),
                body, Optional.ofNullable(request.getHeader(RequestSigner.HEADER)), request.getRemoteAddr());
    }
}
