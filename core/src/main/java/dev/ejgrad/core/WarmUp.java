package dev.ejgrad.core;

import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;

/**
 * The warm-up loop of the Vector API kernels, written once for the float64 GEMM, the float32 GEMM and the float32
 * elementwise kernels: exercise the vector code so that C2 compiles it with complete profiles, then time it against
 * its scalar twin, until it is the faster one three rounds in a row.
 */
final class WarmUp {

    private WarmUp() {
    }

    /**
     * Runs {@code exercise.accept(calls)} and then {@code faster}, round after round, until {@code faster} has held
     * three rounds in a row ({@code true}) or {@code limitNanos} have passed ({@code false}; also on an interrupt).
     * The first four rounds ask for {@code many} calls, while C2 takes every method up; later ones for {@code few},
     * each followed by a 20 ms pause when the timing failed: spinning on Vector API code that is not yet compiled
     * would only slow the caller's thread down.
     */
    static boolean untilFaster(long limitNanos, int many, int few, IntConsumer exercise, BooleanSupplier faster) {
        long t0 = System.nanoTime();
        int good = 0;
        for (int round = 0; good < 3 && System.nanoTime() - t0 < limitNanos; round++) {
            exercise.accept(round < 4 ? many : few);
            good = faster.getAsBoolean() ? good + 1 : 0;
            if (round >= 4 && good == 0) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return good >= 3;
    }
}
