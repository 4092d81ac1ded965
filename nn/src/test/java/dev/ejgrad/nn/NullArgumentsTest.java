package dev.ejgrad.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ejgrad.core.Anomaly;
import dev.ejgrad.data.Batch;
import dev.ejgrad.data.Csv;
import dev.ejgrad.data.DataLoader;
import dev.ejgrad.data.TensorDataset;
import dev.ejgrad.core.Autograd;
import dev.ejgrad.core.GradCheck;
import dev.ejgrad.core.Derivatives;
import dev.ejgrad.core.GradFn;
import dev.ejgrad.core.ImageShape;
import dev.ejgrad.core.GraphExport;
import dev.ejgrad.core.NoGrad;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.nn.loss.BCELoss;
import dev.ejgrad.nn.loss.BCEWithLogitsLoss;
import dev.ejgrad.nn.loss.CrossEntropyLoss;
import dev.ejgrad.nn.loss.GaussianNLLLoss;
import dev.ejgrad.nn.loss.KLDivLoss;
import dev.ejgrad.nn.loss.MSELoss;
import dev.ejgrad.nn.loss.NLLLoss;
import dev.ejgrad.nn.loss.PoissonNLLLoss;
import dev.ejgrad.nn.loss.Reduction;
import dev.ejgrad.optim.Adam;
import dev.ejgrad.optim.AdamW;
import dev.ejgrad.optim.Adagrad;
import dev.ejgrad.optim.ClipGrad;
import dev.ejgrad.optim.CosineAnnealingLR;
import dev.ejgrad.optim.ExponentialLR;
import dev.ejgrad.optim.LinearLR;
import dev.ejgrad.optim.MultiStepLR;
import dev.ejgrad.optim.OneCycleLR;
import dev.ejgrad.optim.Optimizer;
import dev.ejgrad.optim.RMSprop;
import dev.ejgrad.optim.ReduceLROnPlateau;
import dev.ejgrad.optim.SGD;
import dev.ejgrad.optim.StepLR;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every public constructor and method of core and nn, called with {@code null} for each reference parameter in turn
 * (and valid values for the rest): each must throw a NullPointerException whose message names that parameter.
 */
class NullArgumentsTest {

    @TempDir
    Path dir;

    private static final Class<?>[] API = {Tensor.class, Autograd.class, GradCheck.class, Derivatives.class,
        GraphExport.class,
        NoGrad.class, Anomaly.class, Linear.class, Sequential.class, Softmax.class, LogSoftmax.class, ReLU.class,
        Functional.class, SafeTensors.class, CrossEntropyLoss.class, NLLLoss.class, BCELoss.class,
        BCEWithLogitsLoss.class, MSELoss.class, KLDivLoss.class, SGD.class, Adam.class, AdamW.class,
        MultiheadAttention.class, GaussianNLLLoss.class, PoissonNLLLoss.class,
        RMSprop.class, Adagrad.class, ClipGrad.class, StepLR.class, MultiStepLR.class, ExponentialLR.class,
        CosineAnnealingLR.class, LinearLR.class, OneCycleLR.class, ReduceLROnPlateau.class,
        Embedding.class, RNNCell.class, GRUCell.class, LSTMCell.class,
        Dropout.class, LayerNorm.class, BatchNorm1d.class, GELU.class, LeakyReLU.class, ELU.class, SiLU.class,
        Softplus.class, Hardtanh.class, Init.class, ImageShape.class, Conv2d.class, MaxPool2d.class, AvgPool2d.class,
        BatchNorm2d.class,

        TensorDataset.class, DataLoader.class, Batch.class, Csv.class, Csv.Table.class, Checkpoint.class};

    private Object valid(Class<?> type) {
        if (type == Tensor.class) {
            return Tensor.full(2, 2, 0.5).requiresGrad(true);
        } else if (type == int[].class) {
            return new int[] {0, 1};
        } else if (type == double[].class) {
            return new double[] {1, 2, 3, 4};
        } else if (type == double[][].class) {
            return new double[][] {{1, 2}, {3, 4}};
        } else if (type == Tensor[].class) {
            return new Tensor[] {Tensor.ones(2, 2).requiresGrad(true)};
        } else if (type == GradFn[].class) {
            return new GradFn[] {g -> g};
        } else if (type == GradFn.class) {
            return (GradFn) g -> g;
        } else if (type == DMatrixRMaj.class) {
            return new DMatrixRMaj(2, 2);
        } else if (type == String.class) {
            return "op";
        } else if (type == Random.class) {
            return new Random(0);
        } else if (type == Reduction.class) {
            return Reduction.MEAN;
        } else if (type == Map.class) {
            return Map.of();
        } else if (type == GraphExport.Options.class) {
            return GraphExport.options();
        } else if (type == List.class) {
            return List.of(Tensor.ones(1, 1).requiresGrad(true));
        } else if (type == Path.class) {
            return dir.resolve("f.safetensors");
        } else if (type == Function.class) {
            return (Function<Object, Tensor>) in -> in instanceof Tensor[] ? ((Tensor[]) in)[0].sum()
                    : ((Tensor) in).sum();
        } else if (type == int[][].class) {
            return new int[][] {{0, 1}, {1, 0}};
        } else if (type == Module[].class) {
            return new Module[] {new ReLU()};
        } else if (type == Tensor.InPlaceUpdate.class) {
            return (Tensor.InPlaceUpdate) (v, g) -> { };
        } else if (type == Module.class) {
            return new Sequential(new Linear(1, 1, true, new Random(0)));
        } else if (type == dev.ejgrad.optim.LRScheduler.class) {
            return new StepLR((Optimizer) valid(Optimizer.class), 2, 0.5);
        } else if (type == Optimizer.class) {
            return new SGD(List.of(Tensor.ones(1, 1).requiresGrad(true)), 0.1);
        } else if (type == OneCycleLR.AnnealStrategy.class) {
            return OneCycleLR.AnnealStrategy.COS;
        } else if (type == ReduceLROnPlateau.Mode.class) {
            return ReduceLROnPlateau.Mode.MIN;
        } else if (type == ReduceLROnPlateau.ThresholdMode.class) {
            return ReduceLROnPlateau.ThresholdMode.REL;
        } else if (type == LSTMCell.State.class) {
            return new LSTMCell.State(Tensor.zeros(2, 2), Tensor.zeros(2, 2));
        } else if (type == GELU.Approximation.class) {
            return GELU.Approximation.TANH;
        } else if (type == Init.FanMode.class) {
            return Init.FanMode.FAN_OUT;
        } else if (type == Init.Nonlinearity.class) {
            return Init.Nonlinearity.LEAKY_RELU;
        } else if (type == dev.ejgrad.core.DType.class) {
            return dev.ejgrad.core.DType.FLOAT32;
        } else if (type == float[][].class) {
            return new float[][] {{1f}};
        } else if (type == float[].class) {
            return new float[] {1f};
        } else if (type == Tensor.FloatInPlaceUpdate.class) {
            return (Tensor.FloatInPlaceUpdate) (v, g) -> { };
        } else if (type == SafeTensors.DType.class) {
            return SafeTensors.DType.F64;
        } else if (type == TensorDataset.class) {
            return new TensorDataset(Tensor.ones(2, 2), new int[] {0, 1});
        } else if (type == Csv.Header.class) {
            return Csv.Header.NAMES;
        } else if (type == java.io.Reader.class) {
            return new java.io.StringReader("a,y\n1,0\n");
        } else if (type == java.io.InputStream.class) {
            return new java.io.ByteArrayInputStream("a,y\n1,0\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } else if (type == ImageShape.class) {
            return new ImageShape(1, 2, 2);
        } else if (type == int.class) {
            return 1;
        } else if (type == double.class) {
            return 0.5;
        } else if (type == boolean.class) {
            return false;
        }
        throw new AssertionError("no valid value for " + type);
    }

    private Object receiver(Class<?> c) throws Exception {
        if (c == Tensor.class) {
            return Tensor.full(2, 2, 0.5).requiresGrad(true);
        } else if (c == Linear.class) {
            return new Linear(2, 2, true, new Random(0));
        } else if (c == Sequential.class) {
            return new Sequential(new Linear(2, 2, true, new Random(0)));
        } else if (c == Softmax.class || c == LogSoftmax.class) {
            return c.getConstructor(int.class).newInstance(1);
        } else if (c == TensorDataset.class) {
            return valid(TensorDataset.class);
        } else if (c == DataLoader.class) {
            return new DataLoader((TensorDataset) valid(TensorDataset.class), 1);
        } else if (c == Csv.class) {
            return Csv.reader();
        } else if (c == Batch.class) {
            return new Batch(Tensor.ones(1, 1), new int[] {0}, null);
        } else if (c == Csv.Table.class) {
            return new Csv.Table(Tensor.ones(1, 1), new int[] {0}, List.of("x"), List.of("a"));
        } else if (c == Dropout.class) {
            return new Dropout(0.5, new Random(0));
        } else if (c == LayerNorm.class || c == BatchNorm1d.class) {
            return c.getConstructor(int.class).newInstance(2);
        } else if (c == Conv2d.class) {
            return new Conv2d(new ImageShape(1, 2, 2), 1, 1, new Random(0));
        } else if (c == MaxPool2d.class || c == AvgPool2d.class) {
            return c.getConstructor(ImageShape.class, int.class).newInstance(new ImageShape(1, 2, 2), 1);
        } else if (c == BatchNorm2d.class) {
            return new BatchNorm2d(new ImageShape(1, 2, 2));
        } else if (c == ImageShape.class) {
            return new ImageShape(1, 2, 2);
        } else if (c == Embedding.class) {
            return new Embedding(3, 2, new Random(0));
        } else if (c == RNNCell.class || c == GRUCell.class || c == LSTMCell.class) {
            return c.getConstructor(int.class, int.class, Random.class).newInstance(2, 2, new Random(0));
        } else if (c == MultiheadAttention.class) {
            return new MultiheadAttention(2, 1, new Random(0));
        } else if (c == StepLR.class) {
            return new StepLR((Optimizer) valid(Optimizer.class), 2, 0.5);
        } else if (c == MultiStepLR.class) {
            return new MultiStepLR((Optimizer) valid(Optimizer.class), new int[] {2}, 0.5);
        } else if (c == ExponentialLR.class) {
            return new ExponentialLR((Optimizer) valid(Optimizer.class), 0.5);
        } else if (c == CosineAnnealingLR.class) {
            return new CosineAnnealingLR((Optimizer) valid(Optimizer.class), 4);
        } else if (c == LinearLR.class) {
            return new LinearLR((Optimizer) valid(Optimizer.class), 0.5, 1, 4);
        } else if (c == OneCycleLR.class) {
            return new OneCycleLR((Optimizer) valid(Optimizer.class), 0.1, 10);
        } else if (c == ReduceLROnPlateau.class) {
            return new ReduceLROnPlateau((Optimizer) valid(Optimizer.class));
        } else if (c == SGD.class || c == Adam.class || c == AdamW.class || c == RMSprop.class
                || c == Adagrad.class) {
            return c.getConstructor(List.class, double.class).newInstance(List.of(Tensor.ones(1, 1).requiresGrad(true)), 0.1);
        }
        return c.getConstructor().newInstance();
    }

    /**
     * Parameters documented to take null: the bias of a linear layer without one; grad's seed for a 1x1 output; an
     * attention mask (no mask); the scheduler of Checkpoint's save with extra entries (none); the labels or targets a
     * batch does not have; {@code equals} (a record's, by Object's
     * contract).
     */
    private static boolean nullable(Executable e, Parameter p) {
        return (e.getDeclaringClass() == Linear.class || e.getDeclaringClass() == Functional.class
                || e.getDeclaringClass() == Tensor.class) && p.getName().equals("bias")
                || (e.getDeclaringClass() == Functional.class || e.getDeclaringClass() == MultiheadAttention.class)
                && p.getName().equals("attnMask")
                || e.getDeclaringClass() == Autograd.class && p.getName().equals("gradOutput")
                || e.getName().equals("equals")
                || e.getDeclaringClass() == Checkpoint.class && e.getParameterCount() == 5
                        && p.getName().equals("scheduler")
                || e.getDeclaringClass() == Batch.class && (p.getName().equals("labels")
                        || p.getName().equals("targets"));
    }

    @Test
    void everyReferenceParameterIsCheckedForNullAndNamed() throws Exception {
        List<String> problems = new ArrayList<>();
        int calls = 0;
        for (Class<?> c : API) {
            List<Executable> all = new ArrayList<>(List.of(c.getConstructors()));
            for (Method m : c.getMethods()) {
                // the JDK's own defaults (Object's, Iterable.forEach) are not ejgrad's to check
                if (!m.getDeclaringClass().getName().startsWith("java.")) {
                    all.add(m);
                }
            }
            for (Executable e : all) {
                Parameter[] ps = e.getParameters();
                for (int k = 0; k < ps.length; k++) {
                    if (ps[k].getType().isPrimitive() || nullable(e, ps[k])) {
                        continue;
                    }
                    Object[] args = new Object[ps.length];
                    for (int j = 0; j < ps.length; j++) {
                        args[j] = j == k ? null : valid(ps[j].getType());
                    }
                    calls++;
                    String what = c.getSimpleName() + "." + (e instanceof Constructor ? "<init>" : e.getName())
                            + " with null " + ps[k].getName();
                    try {
                        if (e instanceof Constructor) {
                            ((Constructor<?>) e).newInstance(args);
                        } else {
                            Method m = (Method) e;
                            m.invoke(Modifier.isStatic(m.getModifiers()) ? null : receiver(c), args);
                        }
                        problems.add(what + ": no exception");
                    } catch (InvocationTargetException ex) {
                        Throwable t = ex.getCause();
                        if (!(t instanceof NullPointerException)) {
                            problems.add(what + ": " + t);
                        } else if (t.getMessage() == null || !t.getMessage().contains(ps[k].getName())) {
                            problems.add(what + ": the message '" + t.getMessage() + "' does not name it");
                        }
                    }
                }
            }
        }
        assertTrue(calls > 100, "calls made: " + calls);
        if (!problems.isEmpty()) {
            fail(problems.size() + " of " + calls + " null arguments not rejected by name:\n  "
                    + String.join("\n  ", problems));
        }
    }
}
