package org.ssisbackup.orchestrator.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.List;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;
import org.ssisbackup.contracts.store.Sha256;

/**
 * Authenticates a request carrying {@code X-API-Key}: a configured key makes the caller its name with its role; a
 * wrong key is refused at once (401), never passed on. Keys are compared by their SHA-256 in constant time, and never
 * logged.
 */
final class ApiKeyFilter extends OncePerRequestFilter {
    static final String HEADER = "X-API-Key";

    private record Known(byte[] digest, String name, List<SimpleGrantedAuthority> authorities) {
    }

    private final List<Known> keys;

    ApiKeyFilter(List<ApiSecurityProperties.ApiKey> keys) {
        this.keys = keys.stream().map(k -> new Known(Sha256.digestOf(k.key()), k.name(), ApiRoles.authorities(k.role()))).toList();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String presented = request.getHeader(HEADER);
        if (presented == null || presented.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        byte[] digest = Sha256.digestOf(presented);
        Known match = null;
        for (Known k : keys) {
            if (MessageDigest.isEqual(k.digest(), digest)) {
                match = k;
            }
        }
        if (match == null) {
            response.setHeader("WWW-Authenticate", "ApiKey");
            response.sendError(HttpServletResponse.SC_UNAUTHORIZED, "unknown API key");
            return;
        }
        SecurityContextHolder.getContext().setAuthentication(
                UsernamePasswordAuthenticationToken.authenticated(match.name(), null, match.authorities()));
        chain.doFilter(request, response);
    }
}
