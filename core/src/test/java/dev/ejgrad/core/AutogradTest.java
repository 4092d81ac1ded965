package dev.ejgrad.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.AtomicInteger;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/** One test (at least) for each autograd rule of API.md. */
class AutogradTest {

    @Test
    void resultRequiresGradWhenAnyInputDoes() {
        Tensor w = Tensor.row(1, 2).requiresGrad(true);
        Tensor x = Tensor.row(3, 4);
        assertTrue(x.mul(w).requiresGrad());
        assertFalse(x.mul(x).requiresGrad());
        assertTrue(x.mul(x).isLeaf(), "an op on tensors that need no grad makes a leaf");
        assertFalse(x.mul(w).isLeaf());
        assertEquals("mul", x.mul(w).opName());
    }

    @Test
    void requiresGradOnANonLeafThrows() {
        Tensor y = Tensor.row(1, 2).requiresGrad(true).exp();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.requiresGrad(false));
        assertTrue(e.getMessage().contains("leaf") && e.getMessage().contains("exp"), e.getMessage());
        assertTrue(y.requiresGrad(), "the rejected call changed nothing");
    }

    @Test
    void backwardOnAScalarSeedsOne() {
        Tensor x = Tensor.row(1, 2, 3).requiresGrad(true);
        x.mul(x).sum().backward();
        assertArrayEquals(new double[] {2, 4, 6}, x.grad().toArray()[0]);
    }

    @Test
    void seedlessBackwardOnANonScalarThrows() {
        Tensor y = Tensor.row(1, 2).requiresGrad(true).exp();
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("grad can be implicitly created only for scalar outputs"), e.getMessage());
        assertTrue(e.getMessage().contains("1x2"), e.getMessage());
    }

    @Test
    void backwardWithASeedOfTheTensorsShape() {
        Tensor x = Tensor.row(1, 2).requiresGrad(true);
        x.mul(3).backward(Tensor.row(10, 100));
        assertArrayEquals(new double[] {30, 300}, x.grad().toArray()[0]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> x.mul(3).backward(Tensor.row(1, 2, 3)));
        assertTrue(e.getMessage().contains("1x3") && e.getMessage().contains("1x2"), e.getMessage());
    }

    @Test
    void backwardOnATensorThatNeedsNoGradThrows() {
        Tensor y = Tensor.row(1, 2).sum();
        assertThrows(IllegalStateException.class, y::backward);
    }

    @Test
    void secondBackwardThroughAReleasedGraphThrows() {
        Tensor x = Tensor.row(1, 2).requiresGrad(true);
        Tensor loss = x.exp().sum();
        loss.backward();
        Tensor first = x.grad();
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("second time"), e.getMessage());
        assertSame(first, x.grad(), "the rejected backward changed no gradient");
    }

    @Test
    void retainGraphAllowsASecondBackwardAndGradientsAccumulate() {
        Tensor x = Tensor.row(1, 2).requiresGrad(true);
        Tensor loss = x.mul(x).sum();
        loss.backward(Tensor.scalar(1), true);
        loss.backward(Tensor.scalar(1), true);
        assertArrayEquals(new double[] {4, 8}, x.grad().toArray()[0]);
        loss.backward();
        assertArrayEquals(new double[] {6, 12}, x.grad().toArray()[0]);
    }

    @Test
    void gradIsNullUntilBackwardAndZeroGradSetsItBackToNull() {
        Tensor x = Tensor.row(1, 2).requiresGrad(true);
        assertNull(x.grad());
        x.sum().backward();
        assertNotNull(x.grad());
        x.zeroGrad();
        assertNull(x.grad());
    }

    @Test
    void fanOutAccumulates() {
        Tensor x = Tensor.scalar(3).requiresGrad(true);
        Tensor y = x.mul(x).add(x).mul(x);   // x³ + x², dy/dx = 3x² + 2x = 33
        y.backward();
        assertEquals(33, x.grad().item(), 0);
    }

    @Test
    void aLeafReachedByBackwardGetsAGradientEvenIfItIsZero() {
        Tensor x = Tensor.row(-1, -2).requiresGrad(true);
        x.relu().sum().backward();
        assertNotNull(x.grad());
        assertArrayEquals(new double[] {0, 0}, x.grad().toArray()[0]);
    }

    @Test
    void nonLeavesKeepNoGradientUnlessRetainGradIsCalled() {
        Tensor x = Tensor.row(1, 2).requiresGrad(true);
        Tensor h = x.mul(2);
        Tensor kept = x.mul(3).retainGrad();
        h.add(kept).mul(h).sum().backward();
        assertNull(h.grad());
        assertNotNull(kept.grad());
        assertArrayEquals(new double[] {2, 4}, kept.grad().toArray()[0]);  // d/dk (h+k)h = h
    }

    @Test
    void retainGradOnATensorThatNeedsNoGradThrows() {
        assertThrows(IllegalStateException.class, () -> Tensor.row(1).retainGrad());
    }

    @Test
    void detachGivesALeafWithTheSameValuesAndNoHistory() {
        Tensor x = Tensor.row(1, 2).requiresGrad(true);
        Tensor y = x.exp();
        Tensor d = y.detach();
        assertTrue(d.isLeaf());
        assertFalse(d.requiresGrad());
        assertArrayEquals(y.toArray()[0], d.toArray()[0]);
        Tensor z = y.mul(d).sum();   // d is a constant: dz/dx = e^x · e^x
        z.backward();
        assertEquals(Math.exp(2), x.grad().get(0, 0), 1e-15);
    }

    @Test
    void detachOfALeafDoesNotSeeLaterInPlaceUpdates() {
        Tensor p = Tensor.row(1, 2).requiresGrad(true);
        Tensor d = p.detach();
        p.updateInPlace((v, g) -> v[0] = 100);
        assertEquals(1, d.get(0, 0));
        assertEquals(100, p.get(0, 0));
    }

    @Test
    void noGradScopesRecordNothingNestAndAreThreadLocal() throws InterruptedException {
        Tensor x = Tensor.row(1, 2).requiresGrad(true);
        try (NoGrad outer = NoGrad.enter()) {
            try (NoGrad inner = NoGrad.enter()) {
                assertFalse(x.exp().requiresGrad());
            }
            assertFalse(NoGrad.isGradEnabled(), "still inside the outer scope");
            assertFalse(x.exp().requiresGrad());
            boolean[] otherThread = new boolean[1];
            Thread t = new Thread(() -> otherThread[0] = x.exp().requiresGrad());
            t.start();
            t.join();
            assertTrue(otherThread[0], "another thread still records");
        }
        assertTrue(NoGrad.isGradEnabled());
        assertTrue(x.exp().requiresGrad());
    }

    @Test
    void closingAScopeTwiceDoesNotReenableGradInAnOuterScope() {
        try (NoGrad outer = NoGrad.enter()) {
            NoGrad inner = NoGrad.enter();
            inner.close();
            inner.close();
            assertFalse(NoGrad.isGradEnabled());
        }
        assertTrue(NoGrad.isGradEnabled());
    }

    @Test
    void noGradientIsComputedForInputsThatDoNotRequireOne() {
        AtomicInteger calls = new AtomicInteger();
        Tensor x = Tensor.row(1, 2);
        Tensor w = Tensor.row(3, 4).requiresGrad(true);
        Tensor y = Autograd.op("counted", Autograd.valuesOf(x.mul(w.detach())),
                x, g -> { calls.incrementAndGet(); return g; },
                w, g -> g);
        y.sum().backward();
        assertEquals(0, calls.get(), "the rule of an input that requires no grad never runs");
        assertNull(x.grad());
        assertNotNull(w.grad());
    }

    @Test
    void aChainOfAHundredThousandOpsBackpropagatesWithoutRecursion() {
        Tensor x = Tensor.scalar(1).requiresGrad(true);
        Tensor y = x;
        for (int i = 0; i < 100_000; i++) {
            y = y.mul(1.00001);
        }
        y.backward();
        assertEquals(Math.pow(1.00001, 100_000), x.grad().item(), 1e-9);
    }

    @Test
    void backwardReleasesSavedValuesSoTheGraphCanBeCollected() throws InterruptedException {
        Tensor x = Tensor.rand(200, 200, new java.util.Random(1)).requiresGrad(true);
        Tensor hidden = x.tanh();
        WeakReference<Tensor> ref = new WeakReference<>(hidden);
        Tensor loss = hidden.mul(hidden).sum();
        hidden = null;
        loss.backward();
        for (int i = 0; i < 20 && ref.get() != null; i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertNull(ref.get(), "the intermediate tensor is unreachable once backward released the graph");
        assertNotNull(loss.toString());
    }

    @Test
    void retainGraphKeepsSavedValues() throws InterruptedException {
        Tensor x = Tensor.rand(20, 20, new java.util.Random(1)).requiresGrad(true);
        Tensor hidden = x.tanh();
        WeakReference<Tensor> ref = new WeakReference<>(hidden);
        Tensor loss = hidden.mul(hidden).sum();
        hidden = null;
        loss.backward(Tensor.scalar(1), true);
        System.gc();
        Thread.sleep(10);
        assertNotNull(ref.get());
        loss.backward();
        double t = Math.tanh(x.get(0, 0));
        assertEquals(2 * (2 * t * (1 - t * t)), x.grad().get(0, 0), 1e-15, "two passes, accumulated");
    }

    @Test
    void updateInPlaceChangesOnlyLeavesAndSeesTheGradient() {
        Tensor p = Tensor.row(1, 2).requiresGrad(true);
        p.mul(p).sum().backward();
        p.updateInPlace((v, g) -> {
            for (int i = 0; i < v.length; i++) {
                v[i] -= 0.5 * g[i];
            }
        });
        assertArrayEquals(new double[] {0, 0}, p.toArray()[0]);
        Tensor y = p.exp();
        assertThrows(IllegalStateException.class, () -> y.updateInPlace((v, g) -> v[0] = 1));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> p.grad().updateInPlace((v, g) -> v[0] = 1));
        assertTrue(e.getMessage().contains("a gradient or a detached view"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> y.detach().updateInPlace((v, g) -> v[0] = 1));
        Tensor frozen = Tensor.row(1).requiresGrad(false);
        frozen.updateInPlace((v, g) -> v[0] = 7);   // a frozen parameter or plain data still loads new values
        assertEquals(7, frozen.item());
    }

    @Test
    void gradientsThatShareStorageCannotBeChangedThroughOneAnother() {
        Tensor a = Tensor.row(1, 2).requiresGrad(true);
        Tensor b = Tensor.row(3, 4).requiresGrad(true);
        Tensor seed = Tensor.row(5, 6);
        a.add(b).backward(seed);   // add passes the seed through unchanged to both inputs
        assertThrows(IllegalStateException.class, () -> a.grad().updateInPlace((v, g) -> v[0] = 0));
        assertArrayEquals(new double[] {5, 6}, b.grad().toArray()[0]);
        assertArrayEquals(new double[] {5, 6}, seed.toArray()[0]);
    }

    @Test
    void customOpsRecordThroughAutograd() {
        Tensor x = Tensor.row(1, 2, 3).requiresGrad(true);
        DMatrixRMaj cube = Autograd.valuesOf(x).copy();
        for (int i = 0; i < cube.data.length; i++) {
            cube.data[i] = Math.pow(cube.data[i], 3);
        }
        Tensor y = Autograd.op("cube", cube, x, g -> g.mul(x.pow(2).mul(3)));
        y.sum().backward(Tensor.scalar(1), true, true);
        assertArrayEquals(new double[] {3, 12, 27}, x.grad().toArray()[0]);
        // the rule is a formula over tensors, so the custom op differentiates twice: d/dx Σ 3x² = 6x
        Tensor first = x.grad();
        x.zeroGrad();
        first.sum().backward();
        assertArrayEquals(new double[] {6, 12, 18}, x.grad().toArray()[0]);
        assertThrows(IllegalArgumentException.class,
                () -> Autograd.op("bad", cube, new Tensor[] {x}, new GradFn[] {null}));
    }

    @Test
    void toStringShowsShapeOpAndValuesAndElidesLargeTensors() {
        Tensor x = Tensor.of(new double[][] {{1, -2.5}, {3, 4}}).requiresGrad(true);
        String s = x.exp().toString();
        assertTrue(s.startsWith("tensor(2x2, grad_fn=exp)"), s);
        assertTrue(s.contains("2.7183") && s.contains("0.0821"), s);
        String big = Tensor.zeros(10, 10).toString();
        assertTrue(big.contains("..."), big);
        assertEquals(7 + 1, big.split("\n").length, "header + 3 rows + ellipsis row + 3 rows");
    }
}
