package org.ssisbackup.restapi;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;

/** What a service with a REST API imports: the security model, request bounds and the error answers every service shares. */
@Configuration(proxyBeanMethods = false)
@Import({ApiSecurityConfiguration.class, ApiErrors.class})
public class RestApiConfiguration {

    /** Before everything else, security included: a refused request is not even authenticated. */
    @Bean
    FilterRegistrationBean<RequestBounds> requestBounds(ApiSecurityProperties properties) {
        FilterRegistrationBean<RequestBounds> bean = new FilterRegistrationBean<>(
                new RequestBounds(properties.maxRequestBytes(), properties.maxParameterChars()));
        bean.setOrder(Ordered.HIGHEST_PRECEDENCE);
        bean.addUrlPatterns("/*");
        return bean;
    }
}
