package net.infernet.dashboard;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The headers on every answer of the dashboard's servlets, and their error envelope.
 * <p>
 * The Content Security Policy allows only this origin's scripts, styles, images (and {@code data:} images), and
 * requests: the dashboard has no inline script or style, loads nothing from elsewhere, cannot be framed, and its
 * forms post only here. Together with {@code nosniff} (a module is run only when it is served as JavaScript) and
 * the pages building their DOM from text nodes, a model, node or key name can never become markup or script.
 */
final class SecurityHeaders {
    static final String CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private SecurityHeaders() {
    }

    static void apply(HttpServletResponse response) {
        response.setHeader("Content-Security-Policy", CSP);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
    }

    /** The API's error envelope (docs/protocol.md), {@code {"error": code, "error_message": ...}}, never cached. */
    static void error(HttpServletResponse response, int status, String code, String message) throws IOException {
        byte[] body = ("{\"error\":\"" + code + "\",\"error_message\":\"" + escape(message) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setHeader("Cache-Control", "no-store");
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** A JSON string's content; {@code <}, {@code >} and {@code &} escaped too, so no reader takes it for markup. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
