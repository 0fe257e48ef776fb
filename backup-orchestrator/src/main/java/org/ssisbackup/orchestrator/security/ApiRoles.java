package org.ssisbackup.orchestrator.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;

/** The API's two roles; an operator can do everything a viewer can. */
final class ApiRoles {
    static final String OPERATOR = "OPERATOR";
    static final String VIEWER = "VIEWER";

    static List<SimpleGrantedAuthority> authorities(String role) {
        return "operator".equalsIgnoreCase(role)
                ? List.of(new SimpleGrantedAuthority("ROLE_" + OPERATOR), new SimpleGrantedAuthority("ROLE_" + VIEWER))
                : List.of(new SimpleGrantedAuthority("ROLE_" + VIEWER));
    }

    /** Roles from a bearer token: the roles claim ({@code operator}, {@code viewer}) or scopes {@code ssis.operator}/{@code ssis.viewer}. */
    static Collection<GrantedAuthority> fromJwt(Jwt jwt, String rolesClaim) {
        List<String> names = new ArrayList<>();
        Object roles = jwt.getClaims().get(rolesClaim);
        if (roles instanceof Collection<?> c) {
            c.forEach(r -> names.add(String.valueOf(r)));
        } else if (roles instanceof String s) {
            names.addAll(List.of(s.split("[ ,]+")));
        }
        Object scope = jwt.getClaims().get("scope");
        if (scope instanceof String s) {
            for (String sc : s.split(" ")) {
                if (sc.startsWith("ssis.")) {
                    names.add(sc.substring(5));
                }
            }
        }
        List<GrantedAuthority> out = new ArrayList<>();
        if (names.stream().anyMatch(n -> n.toLowerCase(Locale.ROOT).equals("operator"))) {
            out.addAll(authorities("operator"));
        } else if (names.stream().anyMatch(n -> n.toLowerCase(Locale.ROOT).equals("viewer"))) {
            out.addAll(authorities("viewer"));
        }
        return out;
    }

    private ApiRoles() {
    }
}
