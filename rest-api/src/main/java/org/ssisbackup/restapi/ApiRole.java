package org.ssisbackup.restapi;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * The roles of every service's API, each including the ones below it: a viewer reads; an operator also starts and
 * cancels backups and restores and changes policies and labels; an admin also runs the catalog's maintenance (rebuild,
 * retention, verification), which deletes and marks.
 */
public enum ApiRole {
    VIEWER(1),
    OPERATOR(2),
    ADMIN(3);

    /** How much the role may do: a role includes every role of a lower rank. */
    private final int rank;

    ApiRole(int rank) {
        this.rank = rank;
    }

    /** The Spring authorities of this role and every role it includes. */
    public List<GrantedAuthority> authorities() {
        List<GrantedAuthority> out = new ArrayList<>();
        for (ApiRole r : values()) {
            if (r.rank <= rank) {
                out.add(new SimpleGrantedAuthority("ROLE_" + r.name()));
            }
        }
        return out;
    }

    /** A role as configured ({@code viewer}, {@code Operator}, {@code ADMIN}); anything else names the three. */
    public static ApiRole parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("role must be viewer, operator or admin, not " + text);
        }
    }

    /**
     * A bearer token's authorities: the highest role its roles claim names ({@code operator}, {@code viewer},
     * {@code admin}) or its scopes ({@code ssis.operator}, ...); none when it names none.
     */
    static Collection<GrantedAuthority> fromJwt(Jwt jwt, String rolesClaim) {
        List<String> names = new ArrayList<>();
        Object roles = jwt.getClaims().get(rolesClaim);
        if (roles instanceof Collection<?> c) {
            c.forEach(r -> names.add(String.valueOf(r)));
        } else if (roles instanceof String s) {
            names.addAll(List.of(s.split("[ ,]+")));
        }
        if (jwt.getClaims().get("scope") instanceof String s) {
            for (String sc : s.split(" ", -1)) {
                if (sc.startsWith("ssis.")) {
                    names.add(sc.substring(5));
                }
            }
        }
        ApiRole highest = null;
        for (String n : names) {
            for (ApiRole r : values()) {
                if (r.name().equalsIgnoreCase(n) && (highest == null || r.rank > highest.rank)) {
                    highest = r;
                }
            }
        }
        return highest == null ? List.of() : highest.authorities();
    }
}
