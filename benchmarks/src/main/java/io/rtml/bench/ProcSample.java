package io.rtml.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a process has consumed so far according to Linux's /proc: CPU time (user, system, in ticks of
 * 1/100 s), minor and major page faults, and bytes it made the kernel read from or write to storage.
 * Differences between two samples say what a phase cost; all fields are -1 where there is no /proc.
 */
record ProcSample(long userTicks, long systemTicks, long minorFaults, long majorFaults, long readBytes, long writeBytes) {

    static final ProcSample NONE = new ProcSample(-1, -1, -1, -1, -1, -1);

    static ProcSample of(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            // after "(comm) ": fields[0] is field 3 (state); minflt 10, majflt 12, utime 14, stime 15
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long read = -1;
            long write = -1;
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "io"))) {
                if (line.startsWith("read_bytes:")) {
                    read = Long.parseLong(line.substring(11).trim());
                } else if (line.startsWith("write_bytes:")) {
                    write = Long.parseLong(line.substring(12).trim());
                }
            }
            return new ProcSample(Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[7]), Long.parseLong(f[9]),
                    read, write);
        } catch (IOException | RuntimeException e) {
            return NONE;
        }
    }

    /** "user/system s, minor faults, MB read from storage" spent between {@code earlier} and this sample. */
    String since(ProcSample earlier) {
        if (this == NONE || earlier == null || earlier == NONE) {
            return "n/a";
        }
        return Bench.fmt((userTicks - earlier.userTicks) / 100.0, 1) + "/" + Bench.fmt((systemTicks - earlier.systemTicks) / 100.0, 1)
                + " s cpu, " + (minorFaults - earlier.minorFaults) / 1000 + "k faults, "
                + (readBytes - earlier.readBytes) / 1_000_000 + " MB read";
    }
}
