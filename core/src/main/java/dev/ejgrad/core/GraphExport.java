package dev.ejgrad.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A tensor's history as text for a graph drawing tool: Graphviz DOT ({@link #toDot}) or Mermaid
 * ({@link #toMermaid}), as torchviz draws PyTorch's graphs.
 *
 * <p>Each tensor is a box with its name (when given), the op that made it, its shape, and whether it requires grad;
 * after a backward with {@code retainGraph} a tensor with a gradient shows the gradient's largest magnitude. Edges run
 * from an op's inputs to its result. Parameters (leaves that require grad) are blue, data (leaves that do not) grey,
 * op results yellow and the root green. A graph released by backward shows only its root, marked as released.
 *
 * <pre>{@code
 * Tensor loss = lossFn.forward(model.forward(x), y);
 * Files.writeString(Path.of("step.dot"), GraphExport.toDot(loss, model.namedParameters()));
 * // dot -Tsvg step.dot -o step.svg
 * }</pre>
 */
public final class GraphExport {

    private GraphExport() {
    }

    /**
     * Returns Graphviz DOT text.
     *
     * @param root the tensor whose history to draw; not modified
     * @return Graphviz DOT text
     */
    public static String toDot(Tensor root) {
        return toDot(root, Map.of());
    }

    /**
     * Returns Graphviz DOT text.
     *
     * @param root the tensor whose history to draw; not modified
     * @param names names to show for some tensors, e.g. {@code model.namedParameters()}
     * @return Graphviz DOT text
     */
    public static String toDot(Tensor root, Map<String, Tensor> names) {
        Graph g = walk(root, names);
        StringBuilder sb = new StringBuilder("digraph ejgrad {\n");
        sb.append("  rankdir=BT;\n");
        sb.append("  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=11];\n");
        for (int i = 0; i < g.tensors.size(); i++) {
            Tensor t = g.tensors.get(i);
            sb.append("  t").append(i).append(" [label=\"").append(dotEscape(String.join("\n", g.label(t))))
                    .append("\", fillcolor=\"").append(color(t, t == root)).append("\"];\n");
        }
        for (int[] e : g.edges) {
            sb.append("  t").append(e[0]).append(" -> t").append(e[1]).append(";\n");
        }
        return sb.append("}\n").toString();
    }

    /**
     * Returns Mermaid flowchart text.
     *
     * @param root the tensor whose history to draw; not modified
     * @return Mermaid flowchart text
     */
    public static String toMermaid(Tensor root) {
        return toMermaid(root, Map.of());
    }

    /**
     * Returns Mermaid flowchart text.
     *
     * @param root the tensor whose history to draw; not modified
     * @param names names to show for some tensors, e.g. {@code model.namedParameters()}
     * @return Mermaid flowchart text
     */
    public static String toMermaid(Tensor root, Map<String, Tensor> names) {
        Graph g = walk(root, names);
        StringBuilder sb = new StringBuilder("flowchart BT\n");
        for (int i = 0; i < g.tensors.size(); i++) {
            Tensor t = g.tensors.get(i);
            sb.append("  t").append(i).append("[\"").append(String.join("<br/>", g.label(t)).replace("\"", "#quot;"))
                    .append("\"]\n");
        }
        for (int[] e : g.edges) {
            sb.append("  t").append(e[0]).append(" --> t").append(e[1]).append('\n');
        }
        for (int i = 0; i < g.tensors.size(); i++) {
            Tensor t = g.tensors.get(i);
            sb.append("  style t").append(i).append(" fill:").append(color(t, t == root)).append('\n');
        }
        return sb.toString();
    }

    private static String color(Tensor t, boolean root) {
        if (root) {
            return "#b7e4c7";
        }
        if (!t.isLeaf()) {
            return "#fff3b0";
        }
        return t.requiresGrad() ? "#a9d6f5" : "#e0e0e0";
    }

    private static String dotEscape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** The tensors below a root (root first, then in discovery order) and the edges input -> result. */
    private static final class Graph {
        final List<Tensor> tensors = new ArrayList<>();
        final List<int[]> edges = new ArrayList<>();
        final Map<Tensor, Integer> index = new IdentityHashMap<>();
        final Map<Tensor, String> names = new IdentityHashMap<>();

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

        List<String> label(Tensor t) {
            List<String> lines = new ArrayList<>();
            String name = names.get(t);
            String kind = t.isLeaf() ? (t.requiresGrad() ? "parameter" : "data") : t.opName();
            lines.add(name == null ? kind : name + " (" + kind + ")");
            lines.add(t.rows() + "x" + t.cols() + (t.requiresGrad() ? ", requires grad" : ""));
            if (!t.isLeaf() && t.node.inputsIfKept() == null) {
                lines.add("graph released by backward");
            }
            Tensor g = t.grad();
            if (g != null) {
                double max = 0;
                for (double v : g.data.data) {
                    max = Math.max(max, Math.abs(v));
                }
                lines.add(String.format(Locale.ROOT, "grad max |g| = %.4g", max));
            }
            return lines;
        }
    }

    private static Graph walk(Tensor root, Map<String, Tensor> names) {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(names, "names");
        Graph g = new Graph();
        names.forEach((name, t) -> g.names.put(Objects.requireNonNull(t, "names: " + name), name));
        ArrayDeque<Tensor> todo = new ArrayDeque<>();
        g.id(root, todo);
        while (!todo.isEmpty()) {
            Tensor t = todo.poll();
            if (t.isLeaf()) {
                continue;
            }
            Tensor[] inputs = t.node.inputsIfKept();
            if (inputs == null) {
                continue;
            }
            int to = g.index.get(t);
            for (Tensor in : inputs) {
                g.edges.add(new int[] {g.id(in, todo), to});
            }
        }
        return g;
    }
}
