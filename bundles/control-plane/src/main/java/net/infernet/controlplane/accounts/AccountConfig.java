package net.infernet.controlplane.accounts;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Accounts and sign-in (PID {@value #PID}); docs/operations.md, "Accounts and the dashboard". */
@ObjectClassDefinition(id = AccountConfig.PID, name = "Infernet accounts and sign-in")
public @interface AccountConfig {
    String PID = "net.infernet.accounts";

    @AttributeDefinition(description = "anyone may sign up with an email and a password (else accounts come from an "
            + "admin or a first Nostr sign-in)")
    boolean signup() default true;

    @AttributeDefinition(description = "a first sign-in with a Nostr key creates an operator account")
    boolean nostr_signup() default true;

    @AttributeDefinition(description = "hours a browser session lasts")
    int session_hours() default 12;

    @AttributeDefinition(description = "failed sign-ins per email, and per IP address, before a lock-out")
    int max_failures() default 5;

    @AttributeDefinition(description = "minutes a lock-out lasts (counted from the first failure of the window)")
    int lockout_minutes() default 15;
}
