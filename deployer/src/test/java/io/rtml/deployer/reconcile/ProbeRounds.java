package io.rtml.deployer.reconcile;

import org.springframework.context.ApplicationContext;

/** Runs one probe-and-reconcile round by hand, for tests that count rounds instead of waiting on a schedule. */
public final class ProbeRounds {

    private ProbeRounds() {}

    public static void tick(ApplicationContext deployer) {
        deployer.getBean(TargetWatcher.class).tick();
    }
}
