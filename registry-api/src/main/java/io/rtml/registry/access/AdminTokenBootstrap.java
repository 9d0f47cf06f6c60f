package io.rtml.registry.access;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/** On start, makes sure an administrator can get in (see {@link TokenService#bootstrap}). */
@Component
class AdminTokenBootstrap implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(AdminTokenBootstrap.class);

    private final TokenService tokens;
    private final SecurityProperties properties;

    AdminTokenBootstrap(TokenService tokens, SecurityProperties properties) {
        this.tokens = tokens;
        this.properties = properties;
    }

    @Override
    public void run(ApplicationArguments args) {
        tokens.bootstrap(properties.bootstrapAdminToken()).ifPresent(secret -> {
            // Shown once: only its hash is stored. Printed to the console, not the log, so it does
            // not end up in log aggregation.
            System.out.println();
            System.out.println("rtml: first start, created an admin token (shown only this once):");
            System.out.println("  " + secret);
            System.out.println();
            log.info("created the initial admin token (prefix {})", secret.substring(0, 12));
        });
    }
}
