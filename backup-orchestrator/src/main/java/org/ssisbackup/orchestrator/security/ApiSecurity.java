package org.ssisbackup.orchestrator.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.http.HttpStatus;

/**
 * The API requires authentication: an API key from configuration ({@code X-API-Key}) or an OAuth2 bearer token
 * (JWT, when {@code spring.security.oauth2.resourceserver.jwt.*} is set). Reads need the viewer role; backups,
 * cancels, restores, policy and label changes need operator. Health, info and the Prometheus endpoint stay open for
 * monitoring (the services bind to 127.0.0.1 unless told otherwise). No sessions, no CSRF: every call carries its
 * credential.
 */
@Configuration
class ApiSecurity {
    private static final Logger log = LoggerFactory.getLogger(ApiSecurity.class);

    @Bean
    SecurityFilterChain api(HttpSecurity http, ApiSecurityProperties properties, ObjectProvider<JwtDecoder> jwt) throws Exception {
        http.csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(b -> b.disable())
                .formLogin(f -> f.disable())
                .exceptionHandling(e -> e.authenticationEntryPoint(new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED)))
                .addFilterBefore(new ApiKeyFilter(properties.apiKeys()), BasicAuthenticationFilter.class)
                .authorizeHttpRequests(a -> a
                        .requestMatchers("/actuator/health/**", "/actuator/info", "/actuator/prometheus", "/error").permitAll()
                        // The status page itself is static; the data it shows comes from the API, with the viewer's key.
                        .requestMatchers(HttpMethod.GET, "/status", "/status/**").permitAll()
                        .requestMatchers(HttpMethod.GET, "/api/**").hasRole(ApiRoles.VIEWER)
                        .requestMatchers("/api/**").hasRole(ApiRoles.OPERATOR)
                        .anyRequest().denyAll());
        if (jwt.getIfAvailable() != null) {
            http.oauth2ResourceServer(o -> o.jwt(j -> j.jwtAuthenticationConverter(token -> {
                AbstractAuthenticationToken auth = new JwtAuthenticationToken(token, ApiRoles.fromJwt(token, properties.rolesClaim()),
                        token.getSubject());
                return auth;
            })));
        } else if (properties.apiKeys().isEmpty()) {
            log.warn("no API keys (ssisbackup.orchestrator.security.api-keys) and no OAuth2 issuer configured: the API refuses every call");
        }
        return http.build();
    }
}
