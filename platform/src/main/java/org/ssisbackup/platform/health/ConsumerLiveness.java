package org.ssisbackup.platform.health;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.event.ConsumerStoppedEvent;

/**
 * A Kafka consumer that stops for anything but a shutdown (an {@link Error} such as running out of heap, a fenced or
 * refused consumer) leaves a service that answers HTTP but handles no message: it was UP on liveness and did nothing
 * until someone noticed. Now liveness goes DOWN at once and, unless told otherwise, the process ends with status 70
 * so that its supervisor (systemd, the Windows service wrapper, Kubernetes) starts it again; the uncommitted message
 * is then read again.
 */
public final class ConsumerLiveness implements ApplicationListener<ConsumerStoppedEvent> {
    private static final Logger log = LoggerFactory.getLogger(ConsumerLiveness.class);
    static final int EXIT_STATUS = 70;

    private final ConfigurableApplicationContext context;
    private final boolean exit;

    public ConsumerLiveness(ConfigurableApplicationContext context, boolean exit) {
        this.context = context;
        this.exit = exit;
    }

    @Override
    public void onApplicationEvent(ConsumerStoppedEvent event) {
        if (event.getReason() == ConsumerStoppedEvent.Reason.NORMAL || !context.isActive() || context.isClosed()) {
            return;
        }
        log.error(
                "a Kafka consumer stopped ({}): liveness is DOWN{}",
                event.getReason(),
                exit ? "; the service ends so that its supervisor restarts it" : "");
        AvailabilityChangeEvent.publish(context, LivenessState.BROKEN);
        if (exit) {
            // Not on the consumer's thread: closing the context waits for that thread to end.
            Thread t = new Thread(() -> System.exit(SpringApplication.exit(context, () -> EXIT_STATUS)), "exit");
            t.setDaemon(false);
            t.start();
        }
    }
}
