package dev.ejgrad.nn;

import dev.ejgrad.core.Autograd;
import dev.ejgrad.core.GradFn;
import dev.ejgrad.core.NoGrad;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.core.TorchShape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;

/**
 * What {@link RNN}, {@link GRU} and {@link LSTM} share, as PyTorch's {@code RNNBase}: the parameters of every layer
 * and direction with their names and init, the checks of a batch, packing a padded batch by length, running the
 * layers and directions, dropout between layers, and unpacking. A member adds only its step, {@link #cell}, its gate
 * count, and, where its step needs it, the bias of its input projection, {@link #projectionBias}.
 *
 * <p>A padded batch is run as PyTorch runs {@code pack_padded_sequence(x, lengths, enforce_sorted=False)}: the
 * sequences are sorted by length (longest first), so the rows still active at step {@code t} are a prefix of
 * {@code batchSizes[t]} rows, and each step keeps only those rows. A layer's input projections of all steps are one
 * matrix product ({@link #project}); each step runs its recurrent product on its active rows only. The forward
 * direction's final state of a sequence is its state at its own last step; the backward direction starts each
 * sequence at its own last step (from the initial state) and ends at step 0. Rows past a sequence's end are never
 * read, so whatever they hold (NaN included) changes no result and no gradient.
 */
abstract class RNNBase extends Module {

    /** The recurrent state of the active rows: {@code h}, and {@code c} for an LSTM ({@code null} otherwise). */
    record State(Tensor h, Tensor c) {

        int rows() {
            return h.rows();
        }

        /** Rows {@code from .. from + n - 1}. */
        State slice(int from, int n) {
            if (from == 0 && n == h.rows()) {
                return this;
            }
            return new State(h.narrow(0, from, n), c == null ? null : c.narrow(0, from, n));
        }

        /** This state's rows, then {@code more}'s. */
        State append(State more) {
            return new State(Tensor.cat(0, h, more.h), c == null ? null : Tensor.cat(0, c, more.c));
        }
    }

    /** A layer's weights in one direction: {@code weight_ih}, {@code weight_hh}, {@code bias_ih}, {@code bias_hh}. */
    record Weights(Tensor ih, Tensor hh, Tensor bIh, Tensor bHh) {
    }

    private final String name;
    private final int inputSize;
    private final int hiddenSize;
    private final int numLayers;
    private final boolean bidirectional;
    private final double dropout;
    private final Random rng;
    private final boolean hasCell;
    /** {@code weights[layer · D + direction]}. */
    private final Weights[] weights;

    /**
     * Registers {@code weight_ih_l{k}}, {@code weight_hh_l{k}}, {@code bias_ih_l{k}}, {@code bias_hh_l{k}} (and the
     * same with {@code _reverse}) in PyTorch's order, each U(−1/√hidden, 1/√hidden) drawn in that order; the biases
     * are saved in PyTorch's 1-D shape {@code [gates·hidden]}.
     */
    RNNBase(String name, int gates, boolean hasCell, int inputSize, int hiddenSize, int numLayers,
            boolean bidirectional, double dropout, Random rng) {
        Objects.requireNonNull(rng, "rng");
        if (inputSize <= 0 || hiddenSize <= 0 || numLayers <= 0) {
            throw new IllegalArgumentException(name + ": inputSize, hiddenSize and numLayers must be positive, got "
                    + "inputSize=" + inputSize + ", hiddenSize=" + hiddenSize + ", numLayers=" + numLayers);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException(name + ": dropout must be in [0, 1), got " + dropout);
        }
        this.name = name;
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.numLayers = numLayers;
        this.bidirectional = bidirectional;
        this.dropout = dropout;
        this.rng = rng;
        this.hasCell = hasCell;
        int directions = bidirectional ? 2 : 1;
        this.weights = new Weights[numLayers * directions];
        double bound = 1 / Math.sqrt(hiddenSize);
        TorchShape vector = TorchShape.of(gates * hiddenSize);
        for (int layer = 0; layer < numLayers; layer++) {
            int in = layer == 0 ? inputSize : directions * hiddenSize;
            for (int dir = 0; dir < directions; dir++) {
                String suffix = "_l" + layer + (dir == 1 ? "_reverse" : "");
                weights[layer * directions + dir] = new Weights(
                        registerParameter("weight_ih" + suffix, uniform(gates * hiddenSize, in, bound)),
                        registerParameter("weight_hh" + suffix, uniform(gates * hiddenSize, hiddenSize, bound)),
                        registerParameter("bias_ih" + suffix, uniform(1, gates * hiddenSize, bound), vector),
                        registerParameter("bias_hh" + suffix, uniform(1, gates * hiddenSize, bound), vector));
            }
        }
    }

    private Tensor uniform(int rows, int cols, double bound) {
        return Init.uniform(rows, cols, bound, rng);
    }

    /** {@return the number of input features} */
    public int inputSize() {
        return inputSize;
    }

    /** {@return the size of each direction's hidden state} */
    public int hiddenSize() {
        return hiddenSize;
    }

    /** {@return the number of stacked layers} */
    public int numLayers() {
        return numLayers;
    }

    /** {@return whether each layer also reads the sequences backwards} */
    public boolean bidirectional() {
        return bidirectional;
    }

    /** {@return the dropout probability on each layer's output but the last, in training} */
    public double dropout() {
        return dropout;
    }

    /** The weights of every layer and direction, as registered (for tests that differentiate with respect to them). */
    final List<Weights> weights() {
        return List.of(weights);
    }

    /**
     * One step of the cell on the active rows.
     *
     * @param projected this step's input projection with {@link #projectionBias}, {@code b x gates·hidden}
     * @param previous the state of the same {@code b} rows
     */
    abstract State cell(Tensor projected, State previous, Weights w);

    /**
     * The bias added to the input projection: {@code bias_ih + bias_hh}, folded in once for every step where the step
     * adds both biases to the same pre-activation; a member whose step uses {@code bias_hh} otherwise (GRU's
     * {@code r ⊙ (h · W_hnᵀ + b_hn)}) overrides it.
     */
    Tensor projectionBias(Weights w) {
        return w.bIh().add(w.bHh());
    }

    // ---------------------------------------------------------------- the public forms every member shares

    /**
     * One sequence, PyTorch's unbatched input, from the zero state.
     *
     * @param input {@code T x inputSize}, a row per step; not modified
     * @return the last layer's outputs, {@code T x D·hiddenSize}
     * @throws IllegalArgumentException if the input is not {@code inputSize} wide
     */
    @Override
    public final Tensor forward(Tensor input) {
        Tensor x = Objects.requireNonNull(input, "x");
        if (x.cols() != inputSize || x.rows() < 1) {
            throw new IllegalArgumentException(name + ": the input " + x.rows() + "x" + x.cols() + " must be T x "
                    + "inputSize = T x " + inputSize + " with T >= 1 (one sequence, a row per step)");
        }
        int t = x.rows();
        List<Tensor> rows = new ArrayList<>(t);
        for (int s = 0; s < t; s++) {
            rows.add(t == 1 ? x : x.narrow(0, s, 1));
        }
        int[] ones = new int[t];
        Arrays.fill(ones, 1);
        List<State> init = Collections.nCopies(numLayers * directions(), zeroState(1));
        List<Tensor> y = runPacked(rows, ones, init, List.of(weights), new ArrayList<>());
        return t == 1 ? y.get(0) : Tensor.cat(0, y);
    }

    /**
     * A batch of sequences that all have T steps, from the zero state.
     *
     * @param steps T tensors {@code N x inputSize}; not modified
     * @return the outputs and final states; {@code cells()} holds an LSTM's final cell states and is null for the
     *     others
     * @throws IllegalArgumentException if the steps are empty or differ in shape, or a step is not
     *     {@code inputSize} wide
     */
    public final SequenceOutput forward(List<Tensor> steps) {
        return run(steps, null, null, null);
    }

    /**
     * A padded batch, from the zero state.
     *
     * @param steps T tensors {@code N x inputSize}; not modified
     * @param lengths N lengths in {@code 1..T}, in any order, or {@code null} for all T; not modified
     * @return the outputs (zero past each length) and final states; {@code cells()} holds an LSTM's final cell
     *     states and is null for the others
     * @throws IllegalArgumentException if the steps are empty or differ in shape, a step is not {@code inputSize}
     *     wide, or there are not N lengths or one is outside {@code 1..T}
     */
    public final SequenceOutput forward(List<Tensor> steps, int[] lengths) {
        return run(steps, lengths, null, null);
    }

    /**
     * The batched form (checks first, then computes).
     *
     * @param h0 {@code null} or {@code numLayers·D} tensors {@code N x hidden}
     * @param c0 for an LSTM, {@code null} or as {@code h0}; {@code null} for the others
     */
    final SequenceOutput run(List<Tensor> steps, int[] lengths, List<Tensor> h0, List<Tensor> c0) {
        return run(steps, lengths, h0, c0, List.of(weights));
    }

    /** The batched form over the given weights, in this layer's order (tests differentiate with respect to them). */
    final SequenceOutput run(List<Tensor> steps, int[] lengths, List<Tensor> h0, List<Tensor> c0, List<Weights> w) {
        check(steps, lengths, h0, c0);
        int t = steps.size();
        int n = steps.get(0).rows();
        int[] order = sortedByLength(lengths, n);
        boolean identity = isIdentity(order) && (lengths == null || allEqual(lengths, t));
        int[] batchSizes = new int[t];
        List<Tensor> packed = new ArrayList<>(t);
        for (int s = 0; s < t; s++) {
            int active = 0;
            for (int i = 0; i < n; i++) {
                active += lengths == null || lengths[i] > s ? 1 : 0;
            }
            batchSizes[s] = active;
            packed.add(identity ? steps.get(s) : steps.get(s).indexSelect(0, Arrays.copyOf(order, active)));
        }
        List<State> init = new ArrayList<>(numLayers * directions());
        for (int k = 0; k < numLayers * directions(); k++) {
            Tensor h = h0 == null ? zeros(n) : sorted(h0.get(k), order, identity);
            Tensor c = !hasCell ? null : c0 == null ? zeros(n) : sorted(c0.get(k), order, identity);
            init.add(new State(h, c));
        }
        List<State> last = new ArrayList<>();
        List<Tensor> y = runPacked(packed, batchSizes, init, w, last);
        int[] inverse = inverse(order);
        List<Tensor> outputs = new ArrayList<>(t);
        for (int s = 0; s < t; s++) {
            outputs.add(identity ? y.get(s) : unsorted(y.get(s), n, inverse));
        }
        List<Tensor> hidden = new ArrayList<>(last.size());
        List<Tensor> cells = hasCell ? new ArrayList<>(last.size()) : null;
        for (State s : last) {
            hidden.add(identity ? s.h() : s.h().indexSelect(0, inverse));
            if (hasCell) {
                cells.add(identity ? s.c() : s.c().indexSelect(0, inverse));
            }
        }
        return new SequenceOutput(outputs, hidden, cells);
    }

    private int directions() {
        return bidirectional ? 2 : 1;
    }

    private State zeroState(int rows) {
        return new State(zeros(rows), hasCell ? zeros(rows) : null);
    }

    /** A zero state of {@code rows x hiddenSize} in the parameters' dtype, as PyTorch's default {@code h0}. */
    private Tensor zeros(int rows) {
        return Tensor.zeros(rows, hiddenSize, weights[0].ih().dtype());
    }
    // ---------------------------------------------------------------- checks

    private void check(List<Tensor> steps, int[] lengths, List<Tensor> h0, List<Tensor> c0) {
        Objects.requireNonNull(steps, "steps");
        if (steps.isEmpty()) {
            throw new IllegalArgumentException(name + ": a batch needs at least one step, got an empty list");
        }
        for (int s = 0; s < steps.size(); s++) {
            Objects.requireNonNull(steps.get(s), "steps[" + s + "]");
        }
        int n = steps.get(0).rows();
        if (n < 1) {
            throw new IllegalArgumentException(name + ": a batch needs at least one sequence, step 0 has 0 rows");
        }
        for (int s = 0; s < steps.size(); s++) {
            Tensor x = steps.get(s);
            if (x.cols() != inputSize) {
                throw new IllegalArgumentException(name + ": step " + s + " is " + x.rows() + "x" + x.cols()
                        + " but inputSize is " + inputSize);
            }
            if (x.rows() != n) {
                throw new IllegalArgumentException(name + ": step " + s + " has " + x.rows() + " rows but step 0 has "
                        + n + "; every step holds the same N sequences");
            }
        }
        if (lengths != null) {
            if (lengths.length != n) {
                throw new IllegalArgumentException(name + ": " + lengths.length + " lengths for a batch of " + n
                        + " sequences");
            }
            for (int i = 0; i < n; i++) {
                if (lengths[i] < 1 || lengths[i] > steps.size()) {
                    throw new IllegalArgumentException(name + ": lengths[" + i + "] = " + lengths[i] + " is outside 1.."
                            + steps.size() + " (T = " + steps.size() + " steps)");
                }
            }
        }
        checkState("h0", h0, n);
        checkState("c0", c0, n);
    }

    private void checkState(String what, List<Tensor> state, int n) {
        if (state == null) {
            return;
        }
        int expected = numLayers * directions();
        if (state.size() != expected) {
            throw new IllegalArgumentException(name + ": " + what + " has " + state.size() + " tensors but numLayers·D"
                    + " = " + numLayers + "·" + directions() + " = " + expected + " are needed");
        }
        for (int k = 0; k < expected; k++) {
            Tensor s = Objects.requireNonNull(state.get(k), what + "[" + k + "]");
            if (s.rows() != n || s.cols() != hiddenSize) {
                throw new IllegalArgumentException(name + ": " + what + "[" + k + "] is " + s.rows() + "x" + s.cols()
                        + " but must be N x hiddenSize = " + n + "x" + hiddenSize);
            }
        }
    }

    // ---------------------------------------------------------------- packing

    /** Batch rows by length, longest first; ties keep the batch's order. */
    private static int[] sortedByLength(int[] lengths, int n) {
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        if (lengths != null) {
            Arrays.sort(order, (a, b) -> Integer.compare(lengths[b], lengths[a]));
        }
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = order[i];
        }
        return out;
    }

    private static boolean isIdentity(int[] order) {
        for (int i = 0; i < order.length; i++) {
            if (order[i] != i) {
                return false;
            }
        }
        return true;
    }

    private static boolean allEqual(int[] lengths, int t) {
        for (int len : lengths) {
            if (len != t) {
                return false;
            }
        }
        return true;
    }

    private static int[] inverse(int[] order) {
        int[] inv = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            inv[order[i]] = i;
        }
        return inv;
    }

    private static Tensor sorted(Tensor state, int[] order, boolean identity) {
        return identity ? state : state.indexSelect(0, order);
    }

    /** A step's {@code b} active rows (sorted order) as {@code N} rows in the batch's order, zeros past each end. */
    private static Tensor unsorted(Tensor y, int n, int[] inverse) {
        Tensor all = y.rows() == n ? y : Tensor.cat(0, y, Tensor.zeros(n - y.rows(), y.cols(), y.dtype()));
        return all.indexSelect(0, inverse);
    }

    // ---------------------------------------------------------------- the layers

    /**
     * Runs every layer and direction over a packed batch, given as its steps ({@code batchSizes[t]} rows each, the
     * longest sequences first); returns the last layer's output at each step, {@code batchSizes[t] x D·hidden}.
     *
     * @param init the initial state of each layer and direction, in sorted row order
     * @param last receives the final state of each layer and direction, in PyTorch's {@code h_n} order
     */
    private List<Tensor> runPacked(List<Tensor> x, int[] batchSizes, List<State> init, List<Weights> w,
            List<State> last) {
        int directions = directions();
        int steps = batchSizes.length;
        List<Tensor> input = x;
        for (int layer = 0; layer < numLayers; layer++) {
            if (layer > 0 && dropout > 0 && isTraining()) {
                List<Tensor> dropped = new ArrayList<>(steps);
                for (Tensor xt : input) {
                    dropped.add(Functional.dropout(xt, dropout, rng));
                }
                input = dropped;
            }
            State[][] states = new State[directions][];
            for (int dir = 0; dir < directions; dir++) {
                int k = layer * directions + dir;
                Weights wk = w.get(k);
                List<Tensor> projected = project(input, wk.ih(), projectionBias(wk));
                states[dir] = dir == 0
                        ? forwards(projected, batchSizes, init.get(k), wk)
                        : backwards(projected, batchSizes, init.get(k), wk);
                last.add(dir == 0 ? finalStates(states[dir], batchSizes) : states[dir][0]);
            }
            List<Tensor> output = new ArrayList<>(steps);
            for (int t = 0; t < steps; t++) {
                output.add(directions == 1 ? states[0][t].h() : Tensor.cat(1, states[0][t].h(), states[1][t].h()));
            }
            input = output;
        }
        return input;
    }

    /**
     * The input projections {@code x_t · weightᵀ + bias} of every step, computed as one matrix product over the
     * steps stacked; in the graph each step is a node of its own, with the rules of a linear layer, so that a
     * step's gradient never has to be padded to the whole stack.
     */
    static List<Tensor> project(List<Tensor> x, Tensor weight, Tensor bias) {
        int total = 0;
        for (Tensor xt : x) {
            total += xt.rows();
        }
        int features = weight.cols();
        DMatrixRMaj stacked = new DMatrixRMaj(total, features);
        int at = 0;
        for (Tensor xt : x) {
            double[] v = Autograd.valuesOf(xt).data;
            System.arraycopy(v, 0, stacked.data, at, v.length);
            at += v.length;
        }
        Tensor all;
        try (NoGrad scope = NoGrad.enter()) {
            // the stack keeps the steps' dtype, so that matmulT refuses a mix with the weight's, as PyTorch's mm
            all = Tensor.from(stacked).to(x.get(0).dtype()).matmulT(weight).add(bias);
        }
        double[] values = Autograd.valuesOf(all).data;
        int width = weight.rows();
        List<Tensor> out = new ArrayList<>(x.size());
        at = 0;
        for (Tensor xt : x) {
            DMatrixRMaj step = new DMatrixRMaj(xt.rows(), width);
            System.arraycopy(values, at, step.data, 0, step.data.length);
            at += step.data.length;
            out.add(Autograd.op("input_projection", step, new Tensor[] {xt, weight, bias}, new GradFn[] {
                g -> g.matmul(weight),
                g -> g.t().matmul(xt),
                g -> g.sum(0)}));
        }
        return out;
    }

    /** The forward direction: step {@code t} reads the first {@code batchSizes[t]} rows of step {@code t − 1}. */
    private State[] forwards(List<Tensor> projected, int[] batchSizes, State init, Weights w) {
        State[] states = new State[batchSizes.length];
        State state = init;
        for (int t = 0; t < batchSizes.length; t++) {
            state = cell(projected.get(t), state.slice(0, batchSizes[t]), w);
            states[t] = state;
        }
        return states;
    }

    /**
     * The backward direction: step {@code t} reads step {@code t + 1}'s rows, and the sequences that end at step
     * {@code t} (rows {@code batchSizes[t + 1] .. batchSizes[t] − 1}) start there from their initial state.
     */
    private State[] backwards(List<Tensor> projected, int[] batchSizes, State init, Weights w) {
        int steps = batchSizes.length;
        State[] states = new State[steps];
        State state = null;
        for (int t = steps - 1; t >= 0; t--) {
            int b = batchSizes[t];
            State previous = state == null ? init.slice(0, b)
                    : state.rows() < b ? state.append(init.slice(state.rows(), b - state.rows())) : state;
            state = cell(projected.get(t), previous, w);
            states[t] = state;
        }
        return states;
    }

    /** Each sequence's state at its own last step, in sorted row order. */
    private static State finalStates(State[] states, int[] batchSizes) {
        List<State> pieces = new ArrayList<>();
        int done = 0;
        for (int t = batchSizes.length - 1; t >= 0; t--) {
            int b = batchSizes[t];
            if (b > done) {
                pieces.add(states[t].slice(done, b - done));
                done = b;
            }
        }
        if (pieces.size() == 1) {
            return pieces.get(0);
        }
        List<Tensor> h = new ArrayList<>();
        List<Tensor> c = new ArrayList<>();
        for (State p : pieces) {
            h.add(p.h());
            c.add(p.c());
        }
        return new State(Tensor.cat(0, h), states[0].c() == null ? null : Tensor.cat(0, c));
    }

    @Override
    protected String extraRepr() {
        StringBuilder sb = new StringBuilder().append(inputSize).append(", ").append(hiddenSize);
        if (numLayers != 1) {
            sb.append(", num_layers=").append(numLayers);
        }
        if (dropout != 0) {
            sb.append(", dropout=").append(Repr.pyFloat(dropout));
        }
        if (bidirectional) {
            sb.append(", bidirectional=True");
        }
        return sb.toString();
    }
}
