package io.rtml.scoring.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * CPU time consumed by a group of threads (by name prefix) and by the whole JVM. Why: on the shared
 * 2-core machine requests per second move with whatever else runs, but the CPU time a server spends
 * per request is its own, so comparing that between the node and the bare server says where the
 * gap is, independent of the noise.
 */
final class CpuMeter {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** CPU nanoseconds of the named threads and of the JVM at one moment. */
    record Sample(long threadsNanos, long processNanos) {

        Sample minus(Sample before) {
            return new Sample(threadsNanos - before.threadsNanos, processNanos - before.processNanos);
        }
    }

    private CpuMeter() {}

    static Sample sample(String threadPrefix) {
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(threadPrefix)) {
                long ns = THREADS.getThreadCpuTime(t.getId());
                sum += Math.max(ns, 0);
            }
        }
        return new Sample(sum, OS.getProcessCpuTime());
    }
}
