package org.ssisbackup.restapi;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Bounds every request before anything reads it: a body over {@code maxBodyBytes} is refused with 413 (by its
 * declared length, or when a chunked body passes the bound while it is read), a query parameter with a control
 * character (NUL, a line break) or over {@code maxParameterChars} is refused with 400. One large or malformed request
 * must cost a refusal, not the service's heap or a database error.
 */
public final class RequestBounds extends OncePerRequestFilter {
    private final long maxBodyBytes;
    private final int maxParameterChars;

    public RequestBounds(long maxBodyBytes, int maxParameterChars) {
        this.maxBodyBytes = maxBodyBytes;
        this.maxParameterChars = maxParameterChars;
    }

    /** Thrown while a body is read once it passes the bound; answered 413 by {@link ApiErrors}. */
    public static final class BodyTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        BodyTooLargeException(long max) {
            super("the request body is over " + max + " bytes");
        }
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > maxBodyBytes) {
            refuse(response, 413, "the request body is over " + maxBodyBytes + " bytes");
            return;
        }
        for (Map.Entry<String, String[]> p : request.getParameterMap().entrySet()) {
            for (String v : p.getValue()) {
                if (v.length() > maxParameterChars) {
                    refuse(
                            response,
                            400,
                            "query parameter '" + printable(p.getKey()) + "' is over " + maxParameterChars
                                    + " characters");
                    return;
                }
                if (v.chars().anyMatch(Character::isISOControl)
                        || p.getKey().chars().anyMatch(Character::isISOControl)) {
                    refuse(response, 400, "query parameter '" + printable(p.getKey()) + "' has a control character");
                    return;
                }
            }
        }
        chain.doFilter(new Bounded(request, maxBodyBytes), response);
    }

    private static String printable(String s) {
        String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    private static void refuse(HttpServletResponse response, int status, String detail) throws IOException {
        response.setStatus(status);
        response.setContentType("application/problem+json");
        String json = "{\"status\":" + status + ",\"detail\":\""
                + detail.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
        response.getOutputStream().write(json.getBytes(StandardCharsets.UTF_8));
    }

    private static final class Bounded extends HttpServletRequestWrapper {
        private final long max;
        private ServletInputStream stream;

        Bounded(HttpServletRequest request, long max) {
            super(request);
            this.max = max;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                ServletInputStream in = super.getInputStream();
                stream = new ServletInputStream() {
                    private long read;

                    @Override
                    public int read() throws IOException {
                        int b = in.read();
                        if (b >= 0) {
                            count(1);
                        }
                        return b;
                    }

                    @Override
                    public int read(byte[] buf, int off, int len) throws IOException {
                        int n = in.read(buf, off, len);
                        if (n > 0) {
                            count(n);
                        }
                        return n;
                    }

                    private void count(int n) throws IOException {
                        read += n;
                        if (read > max) {
                            throw new BodyTooLargeException(max);
                        }
                    }

                    @Override
                    public boolean isFinished() {
                        return in.isFinished();
                    }

                    @Override
                    public boolean isReady() {
                        return in.isReady();
                    }

                    @Override
                    public void setReadListener(ReadListener listener) {
                        in.setReadListener(listener);
                    }
                };
            }
            return stream;
        }
    }
}
