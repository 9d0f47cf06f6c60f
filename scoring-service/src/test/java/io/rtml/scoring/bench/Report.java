package io.rtml.scoring.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Formats the benchmark rows as the Markdown tables of docs/benchmarks.md. */
final class Report {

    final List<ScoringBenchmark.Row> rows = new ArrayList<>();
    /**
     * What the second node differs in: "unbatched" (batching off, the default) or "telemetry-off"
     * ({@code bench.baseline=telemetry-off}: batching on, {@code rtml.scoring.telemetry=false}).
     */
    String baseline = "unbatched";

    String markdown(String date, int ioThreads) {
        return tables(date, ioThreads).replace("OIP unbatched", "OIP " + baseline)
                .replace("unbatched /", baseline + " /").replace("/ unbatched)", "/ " + baseline + ")");
    }

    private String tables(String date, int ioThreads) {
        StringBuilder sb = new StringBuilder();
        sb.append("Run on ").append(date).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores, Java ").append(System.getProperty("java.version")).append(", io threads ")
                .append(ioThreads).append(".\n\n");
        sb.append("### Latency, one keep-alive connection (µs)\n\n");
        sb.append(baseline.equals("unbatched")
                ? "\"OIP unbatched\": the same OIP request to a second node with dynamic batching off "
                        + "(`max-batch-rows=1`), measured in the same alternating slices.\n\n"
                : "\"OIP " + baseline + "\": the same OIP request to a second node with `rtml.scoring.telemetry=false`"
                        + " (batching on), measured in the same alternating slices.\n\n");
        sb.append("| model | batch | ORT run p50 (floor) | ORT run + Java API read p50 | bare Netty p50 / p99 | OIP infer p50 / p99 | records p50 / p99 | OIP unbatched p50 / p99 | OIP p50 − (ORT run + bare) | goal ≤ 50 |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (ScoringBenchmark.Row r : rows) {
            double overhead = r.oip.p50() - (r.floor.runOnly().p50() + r.bare.p50());
            boolean goal = !r.model.equals("pytorch_cnn_mnist") && r.batch == 1;
            sb.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f / %.1f | %.1f / %.1f | %.1f / %.1f | %s | %+.1f | %s |%n",
                    r.model, r.batch, r.floor.runOnly().p50(), r.floor.runAndRead().p50(), r.bare.p50(), r.bare.p99(),
                    r.oip.p50(), r.oip.p99(), r.records.p50(), r.records.p99(),
                    r.oipUnbatched == null ? "–" : String.format(Locale.ROOT, "%.1f / %.1f", r.oipUnbatched.p50(), r.oipUnbatched.p99()),
                    overhead, goal ? (overhead <= 50 ? "met" : "**missed**") : "(not a goal)"));
        }
        sb.append("\n### Throughput (requests/s, median of the rounds; errors in brackets when any)\n\n");
        sb.append("Bare, OIP, records (and OIP unbatched) measured in alternating rounds; a ratio is the median of the ")
                .append("per-round ratios, with the lowest and highest round in brackets. The goal applies where the model is ")
                .append("cheap against the transport (iris and xgboost, batch 1), as the latency goal does, and counts the ")
                .append("lower of OIP / bare and records / bare.\n\n");
        sb.append("| model | batch | conns | bare Netty | OIP infer | records | OIP unbatched | OIP / bare | records / bare | unbatched / bare | goal (64 conns) ≥ 0.5 |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        int[] conns = {8, 64};
        for (ScoringBenchmark.Row r : rows) {
            boolean goal = !r.model.equals("pytorch_cnn_mnist") && r.batch == 1;
            for (int i = 0; i < 2; i++) {
                Load.Rounds b = r.bareRps.get(i);
                double[] oip = r.oipRps.get(i).ratiosTo(b);
                double[] rec = r.recordsRps.get(i).ratiosTo(b);
                Load.Rounds unbatched = r.oipUnbatchedRps.isEmpty() ? null : r.oipUnbatchedRps.get(i);
                double worst = Math.min(Load.median(oip), Load.median(rec));
                sb.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                        r.model, r.batch, conns[i], rps(b), rps(r.oipRps.get(i)), rps(r.recordsRps.get(i)),
                        unbatched == null ? "–" : rps(unbatched), ratio(oip), ratio(rec),
                        unbatched == null ? "–" : ratio(unbatched.ratiosTo(b)),
                        conns[i] != 64 ? "" : !goal ? "(not a goal)" : worst >= 0.5 ? "met" : "**missed**"));
            }
        }
        sb.append("\n### CPU time per request under load (µs, median of the rounds)\n\n");
        sb.append("Server: CPU time of the server's event-loop threads (ThreadMXBean) over the requests wrk completed ")
                .append("in the round; JVM: the whole process (GC, JIT and idle threads included); wrk: the client's ")
                .append("user + system time. Unlike requests/s, little affected by how busy the machine was.\n\n");
        sb.append("| model | batch | conns | bare server / JVM | OIP server / JVM | records server / JVM | OIP unbatched server / JVM | OIP − bare (server) | wrk per request (bare / OIP / unbatched) |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (ScoringBenchmark.Row r : rows) {
            for (int i = 0; i < 2; i++) {
                Load.Rounds b = r.bareRps.get(i);
                Load.Rounds o = r.oipRps.get(i);
                Load.Rounds unbatched = r.oipUnbatchedRps.isEmpty() ? null : r.oipUnbatchedRps.get(i);
                sb.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %s | %s | %s | %+.1f | %.1f / %.1f / %s |%n",
                        r.model, r.batch, conns[i], cpu(b), cpu(o), cpu(r.recordsRps.get(i)),
                        unbatched == null ? "–" : cpu(unbatched), o.medianServerCpu() - b.medianServerCpu(),
                        b.medianClientCpu(), o.medianClientCpu(),
                        unbatched == null ? "–" : String.format(Locale.ROOT, "%.1f", unbatched.medianClientCpu())));
            }
        }
        sb.append("\nThroughput tool: ").append(rows.isEmpty() ? "-" : rows.get(0).bareRps.get(0).tool())
                .append(", ").append(rows.isEmpty() ? 0 : rows.get(0).bareRps.get(0).rounds().size()).append(" rounds\n");
        return sb.toString();
    }

    private static String ratio(double[] ratios) {
        double[] sorted = ratios.clone();
        java.util.Arrays.sort(sorted);
        return String.format(Locale.ROOT, "%.2f (%.2f–%.2f)", Load.median(ratios), sorted[0], sorted[sorted.length - 1]);
    }

    private static String rps(Load.Rounds t) {
        return String.format(Locale.ROOT, "%.0f", t.medianRps()) + (t.errors() > 0 ? " [" + t.errors() + "]" : "");
    }

    private static String cpu(Load.Rounds t) {
        return String.format(Locale.ROOT, "%.1f / %.1f", t.medianServerCpu(), t.medianJvmCpu());
    }
}
