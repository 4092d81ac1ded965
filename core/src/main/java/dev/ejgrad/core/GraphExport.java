package dev.ejgrad.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A tensor's history as text for a graph drawing tool: Graphviz DOT ({@link #toDot}) or Mermaid
 * ({@link #toMermaid}), as torchviz draws PyTorch's graphs.
 *
 * <p>Each tensor is a box with its name (when given), the op that made it, its shape, and whether it requires grad;
 * a 1x1 tensor (a loss) shows its value. After a backward with {@code retainGraph} a tensor with a gradient shows the
 * gradient's largest magnitude. Edges run from an op's inputs to its result. Parameters (leaves that require grad)
 * are blue, data (leaves that do not) grey, op results yellow and the root green; a legend says so, and explains the
 * ops whose names are ejgrad's own ({@code matmulT} is {@code x · Wᵀ}, the product a {@code Linear} layer computes
 * in one op). A graph released by backward shows only its root, marked as released.
 *
 * <p>{@link Options} add what the graph does not hold: inputs that are not tensors (class labels), and, for small
 * tensors, micrograd-style nodes that show every value and gradient, with each op in a node of its own, so that one
 * backward pass can be followed by eye.
 *
 * <pre>{@code
 * Tensor loss = lossFn.forward(model.forward(x), y);
 * loss.backward(Tensor.scalar(1), true);   // keep the graph, so that it can be drawn with its gradients
 * String dot = GraphExport.toDot(loss, GraphExport.options().names(model.namedParameters())
 *         .extraInput("labels", "32 class indices (int[])", loss).values(12));
 * // dot -Tsvg step.dot -o step.svg
 * }</pre>
 */
public final class GraphExport {

    static final String PARAMETER = "#a9d6f5";
    static final String DATA = "#e0e0e0";
    static final String OP_RESULT = "#fff3b0";
    static final String ROOT = "#b7e4c7";
    static final String NOT_A_TENSOR = "#ffffff";

    /**
     * Ops whose names are ejgrad's own, with what they compute: every recorded name that is not a public
     * {@link Tensor} method's (those are explained by its javadoc). Most are the backward of an op, recorded as an op
     * of its own so that it can be differentiated again.
     */
    private static final Map<String, String> GLOSSARY = Map.ofEntries(
            // products and reshaping
            Map.entry("matmulT", "x · Wᵀ: the product of an input and a transposed weight, which Linear computes as "
                    + "one op"),
            Map.entry("tMatmul", "aᵀ · b: the product in a weight's gradient, without forming aᵀ"),
            Map.entry("t", "the transpose"),
            Map.entry("sumTo", "sums a gradient down to the shape of an input that was broadcast"),
            Map.entry("expand", "stretches a tensor to a broadcast shape"),
            Map.entry("pad", "zeros with a block of rows or columns set: narrow's backward"),
            // selection and its adjoints
            Map.entry("pick", "takes one entry per row or column (e.g. the log-probability of each target)"),
            Map.entry("place", "zeros with given entries set, the reverse of pick"),
            Map.entry("scatterAdd", "zeros with each entry added at its index: gather's backward"),
            Map.entry("indexAdd", "zeros with each row or column added at its index: indexSelect's backward"),
            // reductions
            Map.entry("logSumExp", "log Σ exp, computed stably"),
            // the backward of an activation, as an op
            Map.entry("thresholdBackward", "relu's backward as an op: g where the output is positive, else 0"),
            Map.entry("clampBackward", "clamp's backward as an op: g where min <= x <= max, else 0"),
            Map.entry("hardtanhBackward", "hardtanh's backward as an op: g where min < x < max, else 0"),
            Map.entry("leakyReluBackward", "leakyRelu's backward as an op: g where x > 0, else slope · g"),
            Map.entry("eluBackward", "elu's backward as an op"),
            Map.entry("eluDoubleBackward", "the derivative of elu's backward with respect to x"),
            Map.entry("logSigmoidBackward", "logSigmoid's backward as an op: g · σ(-x)"),
            Map.entry("logSoftmaxBackward", "logSoftmax's backward as an op"),
            Map.entry("softplusBackward", "softplus's backward as an op"),
            Map.entry("softplusDoubleBackward", "the derivative of softplus's backward with respect to x"),
            // images as rows
            Map.entry("im2col", "the patches of a batch of images, one column per patch: a convolution's right "
                    + "factor"),
            Map.entry("col2im", "patch columns added back into images, the reverse of im2col"),
            Map.entry("swapAxes", "a convolution's product, channel-major, reordered into a row per image"),
            Map.entry("avgPool2dBackward", "average pooling's backward as an op: g / kernel² spread over each "
                    + "window"),
            // the losses' fused ops (ejgrad-nn)
            Map.entry("BCELoss", "each element's binary cross-entropy term, as one op"),
            Map.entry("BCELossBackward", "BCELoss's backward as an op"),
            Map.entry("GaussianNLLLoss.varClamp", "max(var, eps) in value, the identity for the gradient"),
            // GradCheck's gradgradcheck
            Map.entry("flatConcat", "every input's entries in one row (GradCheck)"),
            Map.entry("flatSlice", "one input's entries taken back out of that row (GradCheck)"),
            Map.entry("flatPad", "zeros with one input's entries set in that row (GradCheck)"));

    /**
     * What an op name recorded in a graph means when it is not a public {@link Tensor} method's, else null.
     *
     * @param op the name a node was recorded with
     * @return its glossary entry, or null
     */
    static String meaning(String op) {
        return GLOSSARY.get(op);
    }

    /** What those ops compute, short enough for a node. */
    private static final Map<String, String> SHORT = Map.of("matmulT", "x · Wᵀ");

    private GraphExport() {
    }

    private static String opTitle(String op) {
        return SHORT.containsKey(op) ? op + "\n" + SHORT.get(op) : op;
    }

    /**
     * Starts the options of a drawing: no names, no extra inputs, no values, a legend.
     *
     * @return new options
     */
    public static Options options() {
        return new Options();
    }

    /**
     * Returns Graphviz DOT text.
     *
     * @param root the tensor whose history to draw; not modified
     * @return Graphviz DOT text
     */
    public static String toDot(Tensor root) {
        return toDot(root, options());
    }

    /**
     * Returns Graphviz DOT text.
     *
     * @param root the tensor whose history to draw; not modified
     * @param names names to show for some tensors, e.g. {@code model.namedParameters()} (add {@code namedBuffers()}
     *     to name running statistics)
     * @return Graphviz DOT text
     */
    public static String toDot(Tensor root, Map<String, Tensor> names) {
        return toDot(root, options().names(names));
    }

    /**
     * Returns Graphviz DOT text.
     *
     * @param root the tensor whose history to draw; not modified
     * @param options names, extra inputs, values and legend
     * @return Graphviz DOT text
     */
    public static String toDot(Tensor root, Options options) {
        Graph g = walk(root, options);
        boolean values = options.valuesUpTo > 0;
        StringBuilder sb = new StringBuilder("digraph ejgrad {\n");
        sb.append("  rankdir=BT;\n");
        sb.append(values ? "  node [shape=Mrecord, style=filled" : "  node [shape=box, style=\"rounded,filled\"")
                .append(", fontname=\"Helvetica\", fontsize=11];\n");
        for (int i = 0; i < g.tensors.size(); i++) {
            Tensor t = g.tensors.get(i);
            // a record's fields stack from top to bottom inside braces: title, shape, data, grad
            String label = !values ? dotEscape(String.join("\n", g.label(t, false, false)))
                    : "{" + String.join("|", recordEscape(small(t, options) ? g.label(t, true, true)
                            : List.of(String.join("\n", g.label(t, true, false))))) + "}";
            sb.append("  t").append(i).append(" [label=\"").append(label).append("\", fillcolor=\"")
                    .append(color(t, t == root)).append("\"];\n");
            if (values && !t.isLeaf()) {
                // micrograd's picture: the op in a node of its own, between its inputs and its result
                sb.append("  t").append(i).append("_op [label=\"").append(dotEscape(opTitle(t.opName())))
                        .append("\", shape=ellipse, style=filled, fillcolor=\"#ffffff\"];\n");
                sb.append("  t").append(i).append("_op -> t").append(i).append(";\n");
            }
        }
        for (int k = 0; k < g.extras.size(); k++) {
            ExtraInput e = g.extras.get(k);
            sb.append("  x").append(k).append(" [label=\"").append(values
                    ? "{" + String.join("|", recordEscape(List.of(e.name, e.description))) + "}"
                    : dotEscape(e.name + "\n" + e.description)).append("\", fillcolor=\"").append(NOT_A_TENSOR)
                    .append("\", style=\"rounded,dashed,filled\"];\n");
        }
        for (int[] e : g.edges) {
            sb.append("  t").append(e[0]).append(" -> t").append(e[1]).append(values ? "_op" : "").append(";\n");
        }
        for (int k = 0; k < g.extras.size(); k++) {
            sb.append("  x").append(k).append(" -> t").append(g.index.get(g.extras.get(k).consumer))
                    .append(values ? "_op" : "").append(" [style=dashed];\n");
        }
        if (options.legend) {
            dotLegend(sb, g, values);
        }
        return sb.append("}\n").toString();
    }

    /** The legend: one table, a coloured cell per kind of node, then the notes, each on a row of its own. */
    private static void dotLegend(StringBuilder sb, Graph g, boolean values) {
        sb.append("  legend [shape=plaintext, style=\"\", fontname=\"Helvetica\", fontsize=10, label=<")
                .append("<TABLE BORDER=\"1\" COLOR=\"#bbbbbb\" CELLBORDER=\"0\" CELLSPACING=\"3\" CELLPADDING=\"3\">")
                .append("<TR><TD COLSPAN=\"2\"><B>legend</B></TD></TR>");
        for (String[] e : legendEntries(g)) {
            sb.append("<TR><TD BGCOLOR=\"").append(e[0]).append("\" BORDER=\"1\" COLOR=\"#555555\"")
                    .append(e[0].equals(NOT_A_TENSOR) ? " STYLE=\"dashed\"" : "").append(">  </TD><TD ALIGN=\"LEFT\">")
                    .append(htmlEscape(e[1])).append("</TD></TR>");
        }
        for (String note : legendNotes(g, values)) {
            sb.append("<TR><TD COLSPAN=\"2\" ALIGN=\"LEFT\">").append(htmlEscape(note)).append("</TD></TR>");
        }
        sb.append("</TABLE>>];\n");
    }

    private static String htmlEscape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** The colours in use, each with what it means. */
    private static List<String[]> legendEntries(Graph g) {
        List<String[]> entries = new ArrayList<>();
        entries.add(new String[] {PARAMETER, "parameter: a leaf that requires grad"});
        entries.add(new String[] {DATA, "data: a leaf that needs no gradient"});
        entries.add(new String[] {OP_RESULT, "the result of an op"});
        entries.add(new String[] {ROOT, "the output drawn (backward starts here)"});
        if (!g.extras.isEmpty()) {
            entries.add(new String[] {NOT_A_TENSOR, "an input that is not a tensor"});
        }
        return entries;
    }

    private static List<String> legendNotes(Graph g, boolean values) {
        List<String> notes = new ArrayList<>();
        notes.add("arrows run from an op's inputs to its result; backward sends gradients against them");
        if (values) {
            notes.add("ellipses: the ops, each between its inputs and its result");
            notes.add("data: the values; grad: d output / d value, after backward (retainGrads shows every one)");
        } else {
            notes.add("grad max |g|: the largest gradient entry (after backward)");
        }
        for (String op : g.ops) {
            String meaning = GLOSSARY.get(op);
            if (meaning != null) {
                notes.add(op + " = " + meaning);
            }
        }
        return notes;
    }

    /**
     * Returns Mermaid flowchart text.
     *
     * @param root the tensor whose history to draw; not modified
     * @return Mermaid flowchart text
     */
    public static String toMermaid(Tensor root) {
        return toMermaid(root, options());
    }

    /**
     * Returns Mermaid flowchart text.
     *
     * @param root the tensor whose history to draw; not modified
     * @param names names to show for some tensors, e.g. {@code model.namedParameters()} (add {@code namedBuffers()}
     *     to name running statistics)
     * @return Mermaid flowchart text
     */
    public static String toMermaid(Tensor root, Map<String, Tensor> names) {
        return toMermaid(root, options().names(names));
    }

    /**
     * Returns Mermaid flowchart text.
     *
     * @param root the tensor whose history to draw; not modified
     * @param options names, extra inputs, values and legend
     * @return Mermaid flowchart text
     */
    public static String toMermaid(Tensor root, Options options) {
        Graph g = walk(root, options);
        boolean values = options.valuesUpTo > 0;
        StringBuilder sb = new StringBuilder("flowchart BT\n");
        for (int i = 0; i < g.tensors.size(); i++) {
            Tensor t = g.tensors.get(i);
            sb.append("  t").append(i).append("[\"").append(mermaidEscape(String.join("<br/>",
                    g.label(t, values, values && small(t, options))))).append("\"]\n");
            if (values && !t.isLeaf()) {
                sb.append("  t").append(i).append("_op((\"").append(mermaidEscape(opTitle(t.opName()))).append("\"))\n");
                sb.append("  t").append(i).append("_op --> t").append(i).append('\n');
            }
        }
        for (int k = 0; k < g.extras.size(); k++) {
            ExtraInput e = g.extras.get(k);
            sb.append("  x").append(k).append("[\"").append(mermaidEscape(e.name + "<br/>" + e.description))
                    .append("\"]\n");
        }
        for (int[] e : g.edges) {
            sb.append("  t").append(e[0]).append(" --> t").append(e[1]).append(values ? "_op" : "").append('\n');
        }
        for (int k = 0; k < g.extras.size(); k++) {
            sb.append("  x").append(k).append(" -.-> t").append(g.index.get(g.extras.get(k).consumer))
                    .append(values ? "_op" : "").append('\n');
        }
        for (int i = 0; i < g.tensors.size(); i++) {
            Tensor t = g.tensors.get(i);
            sb.append("  style t").append(i).append(" fill:").append(color(t, t == root)).append('\n');
        }
        for (int k = 0; k < g.extras.size(); k++) {
            sb.append("  style x").append(k).append(" fill:").append(NOT_A_TENSOR).append(",stroke-dasharray: 4 3\n");
        }
        if (options.legend) {
            sb.append("  subgraph legend\n");
            List<String[]> entries = legendEntries(g);
            for (int i = 0; i < entries.size(); i++) {
                sb.append("    legend").append(i).append("[\"").append(mermaidEscape(entries.get(i)[1]))
                        .append("\"]\n");
            }
            sb.append("    legend_notes[\"").append(mermaidEscape(String.join("<br/>", legendNotes(g, values))))
                    .append("\"]\n");
            sb.append("  end\n");
            for (int i = 0; i < entries.size(); i++) {
                sb.append("  style legend").append(i).append(" fill:").append(entries.get(i)[0]).append('\n');
            }
        }
        return sb.toString();
    }

    /**
     * Makes every op result below {@code root} that requires grad keep its gradient in the next backward (as
     * {@link Tensor#retainGrad()} on each), so that a drawing with {@link Options#values(int)} shows the gradient of
     * every tensor, not only of the leaves. Call it before the backward.
     *
     * @param root the output whose graph to mark; its graph must not have been released
     */
    public static void retainGrads(Tensor root) {
        Objects.requireNonNull(root, "root");
        for (Tensor t : walk(root, options()).tensors) {
            if (!t.isLeaf() && t.requiresGrad()) {
                t.retainGrad();
            }
        }
    }

    private static boolean small(Tensor t, Options options) {
        return t.numel() <= options.valuesUpTo;
    }

    private static String color(Tensor t, boolean root) {
        if (root) {
            return ROOT;
        }
        if (!t.isLeaf()) {
            return OP_RESULT;
        }
        return t.requiresGrad() ? PARAMETER : DATA;
    }

    private static String dotEscape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** Fields of a DOT record: its special characters escaped, lines kept as lines. */
    private static List<String> recordEscape(List<String> fields) {
        List<String> out = new ArrayList<>();
        for (String f : fields) {
            StringBuilder sb = new StringBuilder();
            for (char c : f.toCharArray()) {
                if ("{}|<>\"\\".indexOf(c) >= 0) {
                    sb.append('\\');
                }
                sb.append(c == '\n' ? "\\n" : String.valueOf(c));
            }
            out.add(sb.toString());
        }
        return out;
    }

    private static String mermaidEscape(String s) {
        return s.replace("\"", "#quot;").replace("\n", "<br/>");
    }

    /** {@code 0.1235} for a 1x1 tensor; {@code [[a, b],\n [c, d]]}, a row a line, for a larger one. */
    private static String values(DMatrixView m) {
        if (m.rows == 1 && m.cols == 1) {
            return number(m.data[0]);
        }
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < m.rows; i++) {
            sb.append(i == 0 ? "[" : ",\n [");
            for (int j = 0; j < m.cols; j++) {
                sb.append(j == 0 ? "" : ", ").append(number(m.data[i * m.cols + j]));
            }
            sb.append(']');
        }
        return sb.append(']').toString();
    }

    private static String number(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    /** A tensor's values and shape, read without copying. */
    private record DMatrixView(double[] data, int rows, int cols) {
        static DMatrixView of(Tensor t) {
            return new DMatrixView(t.values().data, t.rows(), t.cols());
        }
    }

    /** Something an op used that is not a tensor (class labels), drawn as a node with an edge into its consumer. */
    private record ExtraInput(String name, String description, Tensor consumer) {
    }

    /**
     * What to draw besides the graph itself. Each method configures these options and returns them.
     *
     * <pre>{@code
     * GraphExport.options().names(model.namedParameters()).extraInput("labels", "4 class indices", loss).values(12)
     * }</pre>
     */
    public static final class Options {
        private final Map<String, Tensor> names = new LinkedHashMap<>();
        private final List<ExtraInput> extras = new ArrayList<>();
        private int valuesUpTo;
        private boolean legend = true;

        private Options() {
        }

        /**
         * Names some tensors, e.g. {@code model.namedParameters()}; a later name for the same tensor wins.
         *
         * @param names name to tensor; not modified
         * @return these options
         */
        public Options names(Map<String, Tensor> names) {
            Objects.requireNonNull(names, "names");
            names.forEach((name, t) -> this.names.put(Objects.requireNonNull(name, "names: a null name"),
                    Objects.requireNonNull(t, "names: " + name)));
            return this;
        }

        /**
         * Draws an input that is not a tensor, such as the {@code int[]} class labels of a loss, as a dashed node
         * with an edge into the tensor that used it.
         *
         * @param name the node's title, e.g. {@code "labels"}
         * @param description a line about it, e.g. {@code "32 class indices (int[]), no gradient"}
         * @param consumer the tensor computed from it, e.g. the loss; drawn only if it is in the graph
         * @return these options
         */
        public Options extraInput(String name, String description, Tensor consumer) {
            extras.add(new ExtraInput(Objects.requireNonNull(name, "name"),
                    Objects.requireNonNull(description, "description"), Objects.requireNonNull(consumer, "consumer")));
            return this;
        }

        /**
         * Draws micrograd-style nodes: every tensor of at most {@code maxElements} entries shows its values and,
         * after a backward, its gradient, and each op gets a node of its own. 0 (the default) draws the compact
         * form.
         *
         * @param maxElements the largest tensor, in entries, whose values are shown
         * @return these options
         * @throws IllegalArgumentException if {@code maxElements} is negative
         */
        public Options values(int maxElements) {
            if (maxElements < 0) {
                throw new IllegalArgumentException("values: maxElements must be at least 0, not " + maxElements);
            }
            valuesUpTo = maxElements;
            return this;
        }

        /**
         * Draws the legend of colours and op names (the default) or not.
         *
         * @param legend whether to draw it
         * @return these options
         */
        public Options legend(boolean legend) {
            this.legend = legend;
            return this;
        }
    }

    /** The tensors below a root (root first, then in discovery order) and the edges input -> result. */
    private static final class Graph {
        final List<Tensor> tensors = new ArrayList<>();
        final List<int[]> edges = new ArrayList<>();
        final Map<Tensor, Integer> index = new IdentityHashMap<>();
        final Map<Tensor, String> names = new IdentityHashMap<>();
        final List<ExtraInput> extras = new ArrayList<>();
        final Set<String> ops = new LinkedHashSet<>();

        int id(Tensor t, ArrayDeque<Tensor> todo) {
            Integer i = index.get(t);
            if (i == null) {
                i = tensors.size();
                index.put(t, i);
                tensors.add(t);
                todo.add(t);
            }
            return i;
        }

        /**
         * The label's lines. With {@code opNodes} the op has a node of its own and is not named here; with
         * {@code values} the lines are the fields of a micrograd-style record, with all values and gradients.
         */
        List<String> label(Tensor t, boolean opNodes, boolean values) {
            List<String> lines = new ArrayList<>();
            String name = names.get(t);
            String kind = t.isLeaf() ? (t.requiresGrad() ? "parameter" : "data") : t.opName();
            if (opNodes && !t.isLeaf()) {
                // the op has a node of its own: a result shows its name only, if it has one
                if (name != null) {
                    lines.add(name);
                }
            } else {
                String title = name == null ? kind : name + " (" + kind + ")";
                if (!t.isLeaf() && SHORT.containsKey(t.opName())) {
                    title += ": " + SHORT.get(t.opName());
                }
                lines.add(title);
            }
            lines.add(Shapes.of(t) + (t.requiresGrad() ? ", requires grad" : ""));
            if (!t.isLeaf() && t.node.inputsIfKept() == null) {
                lines.add("graph released by backward");
            }
            Tensor g = t.grad();
            if (values) {
                lines.add("data " + values(DMatrixView.of(t)));
                if (g != null) {
                    lines.add("grad " + values(DMatrixView.of(g)));
                }
                return lines;
            }
            if (t.numel() == 1) {
                lines.add("value " + number(t.values().data[0]));
            }
            if (g != null) {
                double max = 0;
                for (double v : g.values().data) {
                    max = Math.max(max, Math.abs(v));
                }
                lines.add(String.format(Locale.ROOT, "grad max |g| = %.4g", max));
            }
            return lines;
        }
    }

    private static Graph walk(Tensor root, Options options) {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(options, "options");
        Graph g = new Graph();
        options.names.forEach((name, t) -> g.names.put(t, name));
        ArrayDeque<Tensor> todo = new ArrayDeque<>();
        g.id(root, todo);
        while (!todo.isEmpty()) {
            Tensor t = todo.poll();
            if (t.isLeaf()) {
                continue;
            }
            g.ops.add(t.opName());
            Tensor[] inputs = t.node.inputsIfKept();
            if (inputs == null) {
                continue;
            }
            int to = g.index.get(t);
            for (Tensor in : inputs) {
                g.edges.add(new int[] {g.id(in, todo), to});
            }
        }
        for (ExtraInput e : options.extras) {
            if (g.index.containsKey(e.consumer)) {
                g.extras.add(e);
            }
        }
        return g;
    }
}
