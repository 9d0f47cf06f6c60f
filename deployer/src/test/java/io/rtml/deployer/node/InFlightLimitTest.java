package io.rtml.deployer.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class InFlightLimitTest {

    @Test
    void startsAtMostMaxAndTheRestAsRunningOnesComplete() {
        InFlightLimit limit = new InFlightLimit(3);
        List<CompletableFuture<Integer>> calls = new ArrayList<>();
        List<CompletableFuture<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            results.add(limit.submit(() -> {
                CompletableFuture<Integer> call = new CompletableFuture<>();
                calls.add(call);
                return call;
            }));
        }
        assertThat(calls).hasSize(3);
        assertThat(limit.waiting()).isEqualTo(7);

        calls.get(0).complete(0);
        calls.get(1).completeExceptionally(new IllegalStateException("refused"));

        assertThat(calls).hasSize(5);
        assertThat(limit.running()).isEqualTo(3);
        assertThat(results.get(0)).isCompletedWithValue(0);
        assertThat(results.get(1)).isCompletedExceptionally();
        for (int i = 2; i < 10; i++) {
            assertThat(limit.running()).isEqualTo(Math.min(3, 10 - i));
            calls.get(i).complete(i); // call i started when call i - 3 completed
        }
        assertThat(results).allSatisfy(r -> assertThat(r).isDone());
        assertThat(limit.running()).isZero();
        assertThat(limit.waiting()).isZero();
    }

    @Test
    void callsThatCompleteAtOnceOrThrowFreeTheirSlotWithoutRecursing() {
        InFlightLimit limit = new InFlightLimit(1);
        List<CompletableFuture<Integer>> results = new ArrayList<>();
        CompletableFuture<Integer> first = new CompletableFuture<>();
        results.add(limit.submit(() -> first));
        for (int i = 0; i < 100_000; i++) { // deep enough that recursion would overflow the stack
            int n = i;
            results.add(limit.submit(() -> {
                if (n % 2 == 0) {
                    throw new IllegalArgumentException("bad base URL");
                }
                return CompletableFuture.completedFuture(n);
            }));
        }
        assertThat(limit.waiting()).isEqualTo(100_000);

        first.complete(0);

        assertThat(limit.waiting()).isZero();
        assertThat(limit.running()).isZero();
        assertThat(results.get(2)).isCompletedWithValue(1);
        assertThat(results.get(1)).isCompletedExceptionally();
    }

    @Test
    void backgroundCallsTakeHalfTheSlotsAndWaitBehindTheOthers() {
        InFlightLimit limit = new InFlightLimit(4);
        List<CompletableFuture<Integer>> probes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            limit.submitBackground(() -> {
                CompletableFuture<Integer> probe = new CompletableFuture<>();
                probes.add(probe);
                return probe;
            });
        }
        assertThat(probes).hasSize(2);

        List<CompletableFuture<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            limit.submit(() -> {
                CompletableFuture<Integer> call = new CompletableFuture<>();
                calls.add(call);
                return call;
            });
        }
        assertThat(calls).as("a deployment's calls start at once, beside a probe round").hasSize(2);

        probes.get(0).complete(0);
        assertThat(calls).as("a freed slot goes to the waiting deployment call first").hasSize(3);
        assertThat(probes).hasSize(2);

        calls.forEach(c -> c.complete(1));
        assertThat(probes).as("then the probes, still at most half the slots").hasSize(3);
        assertThat(limit.running()).isEqualTo(2);
    }

    @Test
    void probesAreNotStarvedByDeploymentCallsThatKeepArriving() {
        InFlightLimit limit = new InFlightLimit(2);
        ArrayDeque<CompletableFuture<Integer>> calls = new ArrayDeque<>();
        Supplier<CompletableFuture<Integer>> call = () -> {
            CompletableFuture<Integer> c = new CompletableFuture<>();
            calls.add(c);
            return c;
        };
        limit.submit(call);
        limit.submit(call);
        limit.submit(call);
        AtomicInteger probed = new AtomicInteger();
        limit.submitBackground(() -> {
            probed.incrementAndGet();
            return new CompletableFuture<>();
        });

        // deployments keep the foreground queue full: one completes, another arrives, a hundred times
        for (int i = 0; i < 100 && probed.get() == 0; i++) {
            calls.poll().complete(i);
            limit.submit(call);
        }

        assertThat(probed).as("a waiting probe gets a slot while no other probe runs").hasValue(1);
        assertThat(limit.running()).isEqualTo(2);
    }

    @Test
    void aCallCancelledWhileWaitingNeverStarts() {
        InFlightLimit limit = new InFlightLimit(1);
        CompletableFuture<Integer> first = new CompletableFuture<>();
        AtomicInteger started = new AtomicInteger();
        limit.submit(() -> first);
        CompletableFuture<Integer> queued = limit.submit(() -> {
            started.incrementAndGet();
            return CompletableFuture.completedFuture(1);
        });

        queued.cancel(true);
        first.complete(0);

        assertThat(started).hasValue(0);
        assertThat(limit.running()).isZero();
    }

    @Test
    void neverMoreThanMaxUnderConcurrentCompletions() throws Exception {
        InFlightLimit limit = new InFlightLimit(8);
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        ExecutorService completers = Executors.newFixedThreadPool(4);
        CountDownLatch done = new CountDownLatch(2_000);
        try {
            for (int i = 0; i < 2_000; i++) {
                limit.submit(() -> {
                    most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                    return CompletableFuture.supplyAsync(() -> {
                        inFlight.decrementAndGet();
                        return 1;
                    }, completers);
                }).thenRun(done::countDown);
            }
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            completers.shutdownNow();
        }
        assertThat(most.get()).isBetween(2, 8);
    }
}
