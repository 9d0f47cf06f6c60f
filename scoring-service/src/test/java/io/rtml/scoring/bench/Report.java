package io.rtml.scoring.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Formats the benchmark rows as the Markdown tables of docs/benchmarks.md. */
final class Report {

    final List<ScoringBenchmark.Row> rows = new ArrayList<>();

    String markdown(String date, int ioThreads) {
        StringBuilder sb = new StringBuilder();
        sb.append("Run on ").append(date).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores, Java ").append(System.getProperty("java.version")).append(", io threads ")
                .append(ioThreads).append(".\n\n");
        sb.append("### Latency, one keep-alive connection (µs)\n\n");
        sb.append("| model | batch | ORT run p50 (floor) | ORT run + Java API read p50 | bare Netty p50 / p99 | OIP infer p50 / p99 | records p50 / p99 | OIP p50 − (ORT run + bare) | goal ≤ 50 |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (ScoringBenchmark.Row r : rows) {
            double overhead = r.oip.p50() - (r.floor.runOnly().p50() + r.bare.p50());
            boolean goal = !r.model.equals("pytorch_cnn_mnist") && r.batch == 1;
            sb.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f / %.1f | %.1f / %.1f | %.1f / %.1f | %+.1f | %s |%n",
                    r.model, r.batch, r.floor.runOnly().p50(), r.floor.runAndRead().p50(), r.bare.p50(), r.bare.p99(),
                    r.oip.p50(), r.oip.p99(), r.records.p50(), r.records.p99(), overhead,
                    goal ? (overhead <= 50 ? "met" : "**missed**") : "(not a goal)"));
        }
        sb.append("\n### Throughput (requests/s; errors in brackets when any)\n\n");
        sb.append("| model | batch | conns | bare Netty | OIP infer | records | OIP / bare | records / bare | goal (64 conns) ≥ 0.5 |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (ScoringBenchmark.Row r : rows) {
            int[] conns = {8, 64};
            for (int i = 0; i < 2; i++) {
                Load.Throughput b = r.bareRps.get(i);
                Load.Throughput o = r.oipRps.get(i);
                Load.Throughput rec = r.recordsRps.get(i);
                double ratio = o.rps() / b.rps();
                double recRatio = rec.rps() / b.rps();
                sb.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %s | %s | %.2f | %.2f | %s |%n",
                        r.model, r.batch, conns[i], rps(b), rps(o), rps(rec), ratio, recRatio,
                        conns[i] == 64 ? (Math.min(ratio, recRatio) >= 0.5 ? "met" : "**missed**") : ""));
            }
        }
        sb.append("\nThroughput tool: ").append(rows.isEmpty() ? "-" : rows.get(0).bareRps.get(0).tool()).append('\n');
        return sb.toString();
    }

    private static String rps(Load.Throughput t) {
        return String.format(Locale.ROOT, "%.0f", t.rps()) + (t.errors() > 0 ? " [" + t.errors() + "]" : "");
    }
}
