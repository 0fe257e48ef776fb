package org.ssisbackup.platform.health;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.event.ConsumerStoppedEvent;

/** Every service that consumes Kafka: liveness follows its consumers ({@code ssisbackup.exit-on-consumer-failure}). */
@AutoConfiguration
@ConditionalOnClass(ConsumerStoppedEvent.class)
public class ConsumerLivenessConfiguration {

    @Bean
    ConsumerLiveness consumerLiveness(
            ConfigurableApplicationContext context,
            @Value("${ssisbackup.exit-on-consumer-failure:true}") boolean exit) {
        return new ConsumerLiveness(context, exit);
    }
}
