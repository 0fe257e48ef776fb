package org.ssisbackup.restapi;

import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** What a service with a REST API imports: the security model and the error answers every service shares. */
@Configuration(proxyBeanMethods = false)
@Import({ApiSecurityConfiguration.class, ApiErrors.class})
public class RestApiConfiguration {}
