package org.ssisbackup.restapi;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates a request carrying {@code X-API-Key}: a configured key makes the caller its name with its role; a
 * wrong key is refused at once (401), never passed on. Keys are held and compared as their SHA-256, in constant time,
 * and never logged.
 */
final class ApiKeyFilter extends OncePerRequestFilter {
    static final String HEADER = "X-API-Key";

    /** A configured key: its digest, its name and what its role may do (a class, not a record: it holds an array, which a record would compare by identity). */
    private static final class Known {
        private final byte[] digest;
        private final String name;
        private final List<GrantedAuthority> authorities;

        Known(byte[] digest, String name, List<GrantedAuthority> authorities) {
            this.digest = digest;
            this.name = name;
            this.authorities = authorities;
        }

        byte[] digest() {
            return digest;
        }

        String name() {
            return name;
        }

        List<GrantedAuthority> authorities() {
            return authorities;
        }
    }

    private final List<Known> keys;

    ApiKeyFilter(List<ApiSecurityProperties.ApiKey> keys) {
        this.keys = keys.stream()
                .map(k -> new Known(k.digest(), k.name(), k.apiRole().authorities()))
                .toList();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String presented = request.getHeader(HEADER);
        if (presented == null || presented.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        byte[] digest = sha256(presented);
        Known match = null;
        for (Known k : keys) { // every key compared: the time taken says nothing about which one matched
            if (MessageDigest.isEqual(k.digest(), digest)) {
                match = k;
            }
        }
        if (match == null) {
            response.setHeader("WWW-Authenticate", "ApiKey");
            response.sendError(HttpServletResponse.SC_UNAUTHORIZED, "unknown API key");
            return;
        }
        SecurityContextHolder.getContext()
                .setAuthentication(
                        UsernamePasswordAuthenticationToken.authenticated(match.name(), null, match.authorities()));
        chain.doFilter(request, response);
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
