package org.ssisbackup.catalog.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.ssisbackup.catalog.CatalogProperties;

/**
 * The catalog's maintenance calls ({@code /api/v1/admin/**}: rebuild, retention, verification — they delete and mark)
 * need {@code X-API-Key} with the configured admin key; without one configured they are refused, never open. Keys are
 * compared by their SHA-256 in constant time and never logged. The read-only queries stay open to the services that
 * ask them (the orchestrator checks restore points), on the address the catalog binds to.
 */
@Component
class AdminKeyFilter extends OncePerRequestFilter {
    private static final Logger log = LoggerFactory.getLogger(AdminKeyFilter.class);
    static final String HEADER = "X-API-Key";

    private final byte[] digest;

    AdminKeyFilter(CatalogProperties properties) {
        String key = properties.adminApiKey();
        this.digest = key == null || key.isBlank() ? null : sha256(key);
        if (digest == null) {
            log.warn("no ssisbackup.catalog.admin-api-key (CATALOG_ADMIN_API_KEY): /api/v1/admin (rebuild, retention, verification)"
                    + " refuses every call; scheduled retention and verification still run");
        }
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/api/v1/admin");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (digest == null) {
            response.sendError(HttpServletResponse.SC_FORBIDDEN, "maintenance calls are off: set ssisbackup.catalog.admin-api-key");
            return;
        }
        String presented = request.getHeader(HEADER);
        if (presented == null || !MessageDigest.isEqual(digest, sha256(presented))) {
            response.sendError(HttpServletResponse.SC_UNAUTHORIZED, "maintenance calls need the admin key in " + HEADER);
            return;
        }
        chain.doFilter(request, response);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
