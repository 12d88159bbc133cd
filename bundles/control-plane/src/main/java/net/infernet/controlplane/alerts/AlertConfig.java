package net.infernet.controlplane.alerts;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Node alerts to Slack and Discord incoming webhooks (PID {@value #PID}); docs/operations.md, "Alerts". */
@ObjectClassDefinition(id = AlertConfig.PID, name = "Infernet node alerts")
public @interface AlertConfig {
    String PID = "net.infernet.alerts";

    @AttributeDefinition(type = AttributeType.PASSWORD, description = "Slack incoming-webhook URL for every node's "
            + "alerts (https://hooks.slack.com/services/...); empty = none")
    String slack_webhook_url() default "";

    @AttributeDefinition(type = AttributeType.PASSWORD, description = "Discord webhook URL for every node's alerts "
            + "(https://discord.com/api/webhooks/...); empty = none")
    String discord_webhook_url() default "";

    @AttributeDefinition(type = AttributeType.PASSWORD, description = "per operator: operatorKey=url, comma-separated "
            + "(a url may start with slack: or discord:; else a discord.com host is Discord, any other Slack)")
    String operator_webhooks() default "";

    @AttributeDefinition(description = "a node offline for less than this many seconds alerts nobody (a flap)")
    int grace_seconds() default 60;

    @AttributeDefinition(description = "alert deliveries waiting or being retried at most; more are dropped")
    int queue_size() default 1000;

    @AttributeDefinition(description = "tries per delivery (back-off 1 s, doubling, or the webhook's Retry-After)")
    int attempts() default 5;
}
