package org.ssisbackup.catalog.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.MessageDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.ssisbackup.catalog.CatalogProperties;
import org.ssisbackup.contracts.store.Sha256;

/**
 * Keys of the catalog's API, in {@code X-API-Key}. The maintenance calls ({@code /api/v1/admin/**}: rebuild, retention,
 * verification — they delete and mark) need the admin key; without one configured they are refused, never open. The
 * queries (restore points, packages, fleet) need the read key or the admin key once a read key is configured; without
 * one they answer anybody who reaches the catalog's address (127.0.0.1 by default), which is logged at start. Keys are
 * compared by their SHA-256 in constant time and never logged. Actuator and the OpenAPI description stay open.
 */
@Component
class ApiKeyFilter extends OncePerRequestFilter {
    private static final Logger log = LoggerFactory.getLogger(ApiKeyFilter.class);
    static final String HEADER = "X-API-Key";

    private final byte[] admin;
    private final byte[] read;

    ApiKeyFilter(CatalogProperties properties) {
        this.admin = configured(properties.adminApiKey());
        this.read = configured(properties.readApiKey());
        if (admin == null) {
            log.warn("no ssisbackup.catalog.admin-api-key (CATALOG_ADMIN_API_KEY): /api/v1/admin (rebuild, retention, verification)"
                    + " refuses every call; scheduled retention and verification still run");
        }
        if (read == null) {
            log.warn("no ssisbackup.catalog.read-api-key (CATALOG_READ_API_KEY): the catalog's queries answer without a key"
                    + " anybody who reaches its address");
        }
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/api/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String presented = request.getHeader(HEADER);
        byte[] digest = presented == null ? null : Sha256.digestOf(presented);
        if (request.getRequestURI().startsWith("/api/v1/admin")) {
            if (admin == null) {
                response.sendError(HttpServletResponse.SC_FORBIDDEN, "maintenance calls are off: set ssisbackup.catalog.admin-api-key");
                return;
            }
            if (!matches(admin, digest)) {
                response.sendError(HttpServletResponse.SC_UNAUTHORIZED, "maintenance calls need the admin key in " + HEADER);
                return;
            }
        } else if (read != null && !matches(read, digest) && !matches(admin, digest)) {
            response.sendError(HttpServletResponse.SC_UNAUTHORIZED, "queries need the catalog's read key (or its admin key) in " + HEADER);
            return;
        }
        chain.doFilter(request, response);
    }

    private static boolean matches(byte[] expected, byte[] presented) {
        return expected != null && presented != null && MessageDigest.isEqual(expected, presented);
    }

    /** A configured key's digest; null when none is set. */
    private static byte[] configured(String key) {
        return key == null || key.isBlank() ? null : Sha256.digestOf(key);
    }
}
