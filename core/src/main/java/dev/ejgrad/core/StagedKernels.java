package dev.ejgrad.core;

import java.util.concurrent.CountDownLatch;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.IntConsumer;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernels when the JVM has {@code jdk.incubator.vector}: the matrix products run on the scalar GEMM
 * ({@link ScalarGemm}) until a background thread has loaded the Vector API, warmed the vector GEMM up on small
 * products and seen it run faster; from then on they run on the vector GEMM. Both give the same bits, so the moment
 * of the switch (which depends on timing) changes only the speed. The rest runs on the plain-Java kernels.
 *
 * <p>float32 is staged the same way, on its own: its products run on {@link FloatScalarGemm} and its
 * {@code binary}, {@code relu} and {@code reluBackward} on the plain-Java loops until the same thread has warmed the
 * float32 vector GEMM and those three kernels up ({@code VectorKernels.warmUpFloat}); then on the Vector API, with
 * the same bits. That warm-up starts only once a float32 kernel has been called, after the float64 one, so that a
 * float64 program never spends a core on it.
 *
 * <p>The calling thread never touches a Vector API class before the switch: Vector API code that is not yet
 * C2-compiled runs far slower than scalar code, and loading the API costs tens of milliseconds.
 */
final class StagedKernels implements Kernels {

    /** The longest the warm-up tries before it leaves the products on the scalar GEMM for good. */
    private static final long WARM_UP_LIMIT_NANOS = 60_000_000_000L;

    /** Below about this many values touched, a loop stays on the calling thread. */
    private static final long PARALLEL_WORK = 1L << 16;

    private final Workers workers;
    private final JavaKernels java = JavaKernels.INSTANCE;
    /** The vector kernels once warm, else null. */
    private volatile Kernels vector;
    /** The vector kernels once their float32 half is warm, else null. */
    private volatile Kernels floatVector;
    /** Counted down by the first float32 kernel call: the float32 warm-up waits for it. */
    private final CountDownLatch floatWanted = new CountDownLatch(1);

    /**
     * Starts the warm-up thread, which also logs the choice (so that neither the logging back-end nor the Vector API
     * is loaded on the calling thread).
     */
    StagedKernels(Workers workers) {
        this.workers = workers;
        Thread t = new Thread(Workers.GROUP, this::warmUp, "ejgrad-warmup");
        t.setDaemon(true);
        t.setContextClassLoader(null);
        t.start();
    }

    private void warmUp() {
        // SLF4J is touched only when the application has a provider (see KernelSelection)
        Logger log = KernelSelection.slf4jHasProvider() ? LoggerFactory.getLogger(KernelSelection.class) : null;
        String base = "ejgrad kernels: {}, up to {} thread(s); products on a scalar GEMM with the same bits until the"
                + " vector one is compiled";
        VectorKernels v;
        try {
            v = new VectorKernels(workers);
            if (log != null) {
                log.info(base, VectorKernels.describe(), workers.threads());
            }
        } catch (LinkageError e) {
            if (log != null) {
                log.warn("ejgrad kernels: Vector API failed to load ({}); products stay on the scalar GEMM, up to {}"
                        + " thread(s)", e.toString(), workers.threads());
            } else {
                KernelSelection.notice(System.err, System.getProperty(KernelSelection.NOTICE_PROPERTY),
                        "ejgrad: the Vector API failed to load (" + e + "), so matrix products stay on a scalar GEMM; "
                        + "set -D" + KernelSelection.NOTICE_PROPERTY + "=false to hide this line");
            }
            return;
        }
        long t0 = System.nanoTime();
        if (v.warmUp(WARM_UP_LIMIT_NANOS)) {
            vector = v;
            if (log != null) {
                log.debug("ejgrad: vector GEMM in use after a warm-up of {} ms", (System.nanoTime() - t0) / 1_000_000);
            }
        } else if (log != null) {
            log.debug("ejgrad: the vector GEMM never ran faster than the scalar one; products stay scalar");
        }
        try {
            floatWanted.await();
        } catch (InterruptedException e) {
            return;
        }
        long t1 = System.nanoTime();
        if (v.warmUpFloat(WARM_UP_LIMIT_NANOS)) {
            floatVector = v;
            if (log != null) {
                log.debug("ejgrad: float32 vector kernels ({}) in use after a warm-up of {} ms",
                        VectorKernels.describeFloat(), (System.nanoTime() - t1) / 1_000_000);
            }
        } else if (log != null) {
            log.debug("ejgrad: the float32 vector kernels never ran faster than the scalar ones; float32 stays scalar");
        }
    }

    /** Whether the products run on the vector GEMM yet. */
    boolean warm() {
        return vector != null;
    }

    /** Whether the float32 products and elementwise kernels run on the Vector API yet. */
    boolean warmFloat() {
        return floatVector != null;
    }

    /** The float32 vector kernels once warm, else null; the first call lets their warm-up start. */
    private Kernels floats() {
        Kernels v = floatVector;
        if (v == null) {
            floatWanted.countDown();
        }
        return v;
    }

    static String describe() {
        return "Vector API (after a warm-up on a background thread; a scalar GEMM with the same bits until then)";
    }

    @Override
    public void mult(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        Kernels v = vector;
        if (v != null) {
            v.mult(a, b, c);
        } else {
            ScalarGemm.gemm(workers, false, false, a.numRows, b.numCols, a.numCols, a.data, b.data, c.data);
        }
    }

    @Override
    public void multTransA(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        Kernels v = vector;
        if (v != null) {
            v.multTransA(a, b, c);
        } else {
            ScalarGemm.gemm(workers, true, false, a.numCols, b.numCols, a.numRows, a.data, b.data, c.data);
        }
    }

    @Override
    public void multTransB(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        Kernels v = vector;
        if (v != null) {
            v.multTransB(a, b, c);
        } else {
            ScalarGemm.gemm(workers, false, true, a.numRows, b.numRows, a.numCols, a.data, b.data, c.data);
        }
    }

    @Override
    public void map(DMatrixRMaj in, DoubleUnaryOperator f, DMatrixRMaj out) {
        java.map(in, f, out);
    }

    @Override
    public void zip(DMatrixRMaj a, DMatrixRMaj b, DoubleBinaryOperator f, DMatrixRMaj out) {
        java.zip(a, b, f, out);
    }

    @Override
    public void binary(Binary op, DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj out) {
        java.binary(op, a, b, out);
    }

    @Override
    public void relu(DMatrixRMaj in, DMatrixRMaj out) {
        java.relu(in, out);
    }

    @Override
    public void reluBackward(DMatrixRMaj g, DMatrixRMaj out, DMatrixRMaj gradIn) {
        java.reluBackward(g, out, gradIn);
    }

    @Override
    public void exp(DMatrixRMaj in, DMatrixRMaj out) {
        java.exp(in, out);
    }

    @Override
    public void tanh(DMatrixRMaj in, DMatrixRMaj out) {
        java.tanh(in, out);
    }

    @Override
    public void transpose(DMatrixRMaj a, DMatrixRMaj out) {
        java.transpose(a, out);
    }

    @Override
    public void mult(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c) {
        Kernels v = floats();
        if (v != null) {
            v.mult(a, b, c);
        } else {
            FloatScalarGemm.gemm(workers, false, false, a.numRows, b.numCols, a.numCols, a.data, b.data, c.data);
        }
    }

    @Override
    public void multTransA(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c) {
        Kernels v = floats();
        if (v != null) {
            v.multTransA(a, b, c);
        } else {
            FloatScalarGemm.gemm(workers, true, false, a.numCols, b.numCols, a.numRows, a.data, b.data, c.data);
        }
    }

    @Override
    public void multTransB(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c) {
        Kernels v = floats();
        if (v != null) {
            v.multTransB(a, b, c);
        } else {
            FloatScalarGemm.gemm(workers, false, true, a.numRows, b.numRows, a.numCols, a.data, b.data, c.data);
        }
    }

    @Override
    public void map(FMatrixRMaj in, DoubleUnaryOperator f, FMatrixRMaj out) {
        java.map(in, f, out);
    }

    @Override
    public void zip(FMatrixRMaj a, FMatrixRMaj b, DoubleBinaryOperator f, FMatrixRMaj out) {
        java.zip(a, b, f, out);
    }

    @Override
    public void binary(Binary op, FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj out) {
        Kernels v = floats();
        (v != null ? v : java).binary(op, a, b, out);
    }

    @Override
    public void relu(FMatrixRMaj in, FMatrixRMaj out) {
        Kernels v = floats();
        (v != null ? v : java).relu(in, out);
    }

    @Override
    public void reluBackward(FMatrixRMaj g, FMatrixRMaj out, FMatrixRMaj gradIn) {
        Kernels v = floats();
        (v != null ? v : java).reluBackward(g, out, gradIn);
    }

    @Override
    public void transpose(FMatrixRMaj a, FMatrixRMaj out) {
        java.transpose(a, out);
    }

    @Override
    public void sumTo(FMatrixRMaj g, FMatrixRMaj out) {
        java.sumTo(g, out);
    }

    /** Contiguous ranges of {@code i} on the kernel threads once the work is worth a hand-off. */
    @Override
    public void forEach(int count, long costEach, IntConsumer body) {
        int threads = count * costEach < PARALLEL_WORK ? 1 : Math.min(workers.threads(), count);
        if (threads <= 1) {
            Kernels.super.forEach(count, costEach, body);
            return;
        }
        workers.run(threads, t -> {
            for (int i = (int) ((long) count * t / threads); i < (long) count * (t + 1) / threads; i++) {
                body.accept(i);
            }
        });
    }
}
