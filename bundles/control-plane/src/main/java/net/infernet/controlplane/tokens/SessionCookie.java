package net.infernet.controlplane.tokens;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * The dashboard's session cookie {@value #NAME}: HttpOnly, SameSite=Strict, Path=/, Secure when the request came
 * over TLS (directly, or by a proxy that says {@code X-Forwarded-Proto: https}).
 */
public final class SessionCookie {
    public static final String NAME = "infernet_session";
    private static final int MAX_VALUE = 100;

    private SessionCookie() {
    }

    public static Optional<String> read(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return Optional.empty();
        }
        for (Cookie c : cookies) {
            if (c.getName().equals(NAME) && c.getValue() != null && !c.getValue().isEmpty()
                    && c.getValue().length() <= MAX_VALUE) {
                return Optional.of(c.getValue());
            }
        }
        return Optional.empty();
    }

    public static void set(HttpServletRequest request, HttpServletResponse response, String value, Duration maxAge) {
        response.addHeader("Set-Cookie", NAME + "=" + value + "; Path=/; Max-Age=" + maxAge.toSeconds()
                + "; HttpOnly; SameSite=Strict" + (secure(request) ? "; Secure" : ""));
    }

    public static void clear(HttpServletRequest request, HttpServletResponse response) {
        response.addHeader("Set-Cookie", NAME + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"
                + (secure(request) ? "; Secure" : ""));
    }

    private static boolean secure(HttpServletRequest request) {
        return request.isSecure() || "https".equalsIgnoreCase(request.getHeader("X-Forwarded-Proto"));
    }
}
