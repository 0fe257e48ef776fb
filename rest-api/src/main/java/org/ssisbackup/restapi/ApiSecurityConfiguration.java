package org.ssisbackup.restapi;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;

/**
 * One security model for every service's API: an API key from configuration ({@code X-API-Key}) or an OAuth2 bearer
 * token (JWT, when {@code spring.security.oauth2.resourceserver.jwt.*} is set), and three roles. Reads
 * ({@code GET /api/**}) need viewer; changes need operator; {@code /api/v1/admin/**} (the catalog's maintenance) needs
 * admin. Health, info and the Prometheus endpoint stay open for monitoring, as do the service's public paths (the
 * services bind to 127.0.0.1 unless told otherwise). No sessions, no CSRF: every call carries its credential. Without
 * keys and without a token issuer every API call is refused, which the service says at start.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ApiSecurityProperties.class)
public class ApiSecurityConfiguration {
    private static final Logger log = LoggerFactory.getLogger(ApiSecurityConfiguration.class);

    @Bean
    SecurityFilterChain api(HttpSecurity http, ApiSecurityProperties properties, ObjectProvider<JwtDecoder> jwt)
            throws Exception {
        http.csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(b -> b.disable())
                .formLogin(f -> f.disable())
                .exceptionHandling(e -> e.authenticationEntryPoint(new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED)))
                .addFilterBefore(new ApiKeyFilter(properties.apiKeys()), BasicAuthenticationFilter.class)
                .authorizeHttpRequests(a -> {
                    a.requestMatchers("/actuator/health/**", "/actuator/info", "/actuator/prometheus", "/error")
                            .permitAll();
                    if (!properties.publicPaths().isEmpty()) {
                        a.requestMatchers(
                                        HttpMethod.GET, properties.publicPaths().toArray(String[]::new))
                                .permitAll();
                    }
                    a.requestMatchers("/api/v1/admin/**")
                            .hasRole(ApiRole.ADMIN.name())
                            .requestMatchers(HttpMethod.GET, "/api/**")
                            .hasRole(ApiRole.VIEWER.name())
                            .requestMatchers("/api/**")
                            .hasRole(ApiRole.OPERATOR.name())
                            .anyRequest()
                            .denyAll();
                });
        if (jwt.getIfAvailable() != null) {
            http.oauth2ResourceServer(o -> o.jwt(j -> j.jwtAuthenticationConverter(token -> new JwtAuthenticationToken(
                    token, ApiRole.fromJwt(token, properties.rolesClaim()), token.getSubject()))));
        } else if (properties.apiKeys().isEmpty()) {
            log.warn(
                    "no API keys (ssisbackup.security.api-keys) and no OAuth2 issuer configured: the API refuses every call");
        }
        return http.build();
    }
}
