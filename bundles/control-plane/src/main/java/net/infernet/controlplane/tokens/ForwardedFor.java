package net.infernet.controlplane.tokens;

import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.jetty.util.InetAddressSet;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's address: the connection's, unless it comes from a trusted proxy; then the right-most address of
 * {@code X-Forwarded-For} that is not a trusted proxy (each proxy appends the address it saw, so everything left of
 * the first untrusted entry could have been written by the client itself); when every hop is a trusted proxy, the
 * left-most. An entry that is not an IP literal ends the walk (nothing left of it is believed); nothing is ever
 * looked up in DNS.
 */
@Component(configurationPid = ProxyConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = ProxyConfig.class)
public final class ForwardedFor implements ClientAddress {
    private static final Logger LOG = LoggerFactory.getLogger(ForwardedFor.class);
    private static final Pattern LITERAL = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9a-fA-F:.]{2,45}");
    private static final int MAX_HEADER = 2000;
    private final InetAddressSet trusted = new InetAddressSet();
    private final boolean any;

    @Activate
    public ForwardedFor(ProxyConfig config) {
        this(config.trusted_proxies());
    }

    /** @param proxies addresses or CIDR ranges, comma-separated */
    public ForwardedFor(String proxies) {
        int n = 0;
        for (String p : proxies.split("[,\\s]+")) {
            if (p.isBlank()) {
                continue;
            }
            try {
                trusted.add(p.strip());
                n++;
            } catch (IllegalArgumentException e) {
                LOG.warn("event=trusted_proxy_ignored entry=\"{}\" reason=\"not an address or CIDR range\"",
                        p.replaceAll("[^0-9A-Za-z:./]", "?"));
            }
        }
        this.any = n > 0;
        LOG.info("event=trusted_proxies count={}", n);
    }

    @Override
    public String of(HttpServletRequest request) {
        String remote = request.getRemoteAddr();
        if (!any || !isTrusted(remote)) {
            return remote;
        }
        String header = request.getHeader("X-Forwarded-For");
        if (header == null || header.length() > MAX_HEADER) {
            return remote;
        }
        String[] hops = header.split(",");
        String leftMost = remote;
        for (int i = hops.length - 1; i >= 0; i--) {
            Optional<InetAddress> a = literal(hops[i].strip());
            if (a.isEmpty()) {
                return leftMost; // a hop that is not an address: believe nothing further left
            }
            if (!trusted.test(a.get())) {
                return a.get().getHostAddress();
            }
            leftMost = a.get().getHostAddress();
        }
        return leftMost; // trusted all the way: the request began inside
    }

    private boolean isTrusted(String address) {
        return literal(address).map(trusted::test).orElse(false);
    }

    private static Optional<InetAddress> literal(String s) {
        if (!LITERAL.matcher(s).matches() || (s.indexOf(':') < 0 && s.chars().filter(c -> c == '.').count() != 3)) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(s)); // a literal: parsed, never resolved
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
