package dev.ejgrad.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejgrad.testing.OpCatalogue;
import dev.ejgrad.testing.OpCatalogue.Dtype;
import dev.ejgrad.testing.OpCatalogue.Op;
import dev.ejgrad.testing.OpCatalogue.Order;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The op catalogue ({@link OpCatalogue}) against {@link Tensor}: every public op has an entry, so that no op skips
 * the gradient, gradgrad, property, error and differential tests; and every name an op records in a graph, its
 * backward and its double backward included, is a public op's or is explained by {@link GraphExport}'s glossary.
 */
class OpCatalogueTest {

    /** Tensor's public methods that are not ops: making, reading and the autograd controls. */
    private static final Set<String> NOT_OPS = Set.of("of", "scalar", "row", "column", "from", "zeros", "ones",
            "full", "randn", "rand", "ofFloats", "requiresGrad", "grad", "detach", "retainGrad", "withTorchShape");

    /** {@code name(Type,Type)} of every public method of Tensor that returns a tensor or indices and is an op. */
    static Set<String> publicOps() {
        Set<String> out = new TreeSet<>();
        for (Method m : Tensor.class.getDeclaredMethods()) {
            boolean returnsOp = m.getReturnType() == Tensor.class || m.getReturnType() == int[].class;
            if (Modifier.isPublic(m.getModifiers()) && returnsOp && !NOT_OPS.contains(m.getName())) {
                out.add(m.getName() + "(" + Arrays.stream(m.getParameterTypes()).map(Class::getSimpleName)
                        .collect(Collectors.joining(",")) + ")");
            }
        }
        return out;
    }

    @Test
    void everyPublicOpOfTensorHasAnEntry() {
        Set<String> missing = new TreeSet<>(publicOps());
        missing.removeAll(OpCatalogue.signatures());
        assertTrue(missing.isEmpty(), "Tensor's public ops without an entry in OpCatalogue: " + missing + "; add one "
                + "(its name, the method, a lambda, sample inputs with their domain, its order, its difftest tag), "
                + "and the gradient, gradgrad, property, error and differential tests take it up");
        Set<String> unknown = new TreeSet<>(OpCatalogue.signatures());
        unknown.removeAll(publicOps());
        assertTrue(unknown.isEmpty(), "OpCatalogue entries whose method is not a public op of Tensor: " + unknown);
    }

    /** Each op's javadoc in Tensor.java has exactly one "Gradient:" line, and only ops have one. */
    @Test
    void everyPublicOpStatesItsGradientOnce() throws IOException {
        String source = Files.readString(Path.of("src/main/java/dev/ejgrad/core/Tensor.java"));
        Set<String> ops = publicOps().stream().map(sig -> sig.substring(0, sig.indexOf('(')))
                .collect(Collectors.toSet());
        List<String> wrong = new ArrayList<>();
        int stated = 0;
        for (String doc : source.split("    /\\*\\*")) {
            int close = doc.indexOf("*/");
            if (close < 0) {
                continue;
            }
            Matcher m = Pattern.compile("public (?:static )?[\\w\\[\\]]+ (\\w+)\\(")
                    .matcher(doc.substring(close));
            String method = m.find() ? m.group(1) : "?";
            int lines = doc.substring(0, close).split("Gradient:", -1).length - 1;
            stated += lines;
            boolean isOp = ops.contains(method) && doc.substring(close + 2).stripLeading().startsWith("public");
            if (isOp ? lines != 1 : lines != 0) {
                wrong.add(method + " (" + lines + ")");
            }
        }
        assertTrue(wrong.isEmpty(), "javadoc with other than one Gradient: line for an op (none for the rest): "
                + wrong);
        assertTrue(stated >= publicOps().size(), stated + " Gradient: lines");
    }

    @Test
    void theCatalogueKnowsWhatItHolds() {
        assertEquals(List.of(Dtype.FLOAT64, Dtype.FLOAT32), OpCatalogue.DTYPES, "float64, then float32");
        assertTrue(OpCatalogue.OPS.size() >= publicOps().size(), OpCatalogue.OPS.size() + " entries");
        for (Op op : OpCatalogue.OPS) {
            assertTrue(!op.samples().isEmpty(), op + " has no sample");
            assertTrue(op.order() != Order.NONE || op.difftest() != null, op + ": a value-only op without values");
        }
    }

    @Test
    void everyRecordedOpNameIsAPublicOpOrInTheGlossary() {
        Set<String> recorded = new TreeSet<>();
        for (Op op : OpCatalogue.OPS) {
            if (op.order() == Order.NONE) {
                continue;
            }
            Tensor[] xs = OpCatalogue.tensors(op.samples().get(0), Dtype.FLOAT64, new Random(3));
            Tensor out = op.apply(xs);
            collect(out, recorded);
            // the backward and the double backward, recorded: their nodes are ops of their own
            List<Tensor> first = Autograd.grad(out.mul(out).sum(), List.of(xs), null, true);
            for (Tensor g : first) {
                collect(g, recorded);
                if (g.requiresGrad()) {
                    for (Tensor h : Autograd.grad(g.mul(g).sum(), List.of(xs), null, true)) {
                        collect(h, recorded);
                    }
                }
            }
        }
        // recorded out of this walk's reach: inside GradCheck's gradgradcheck, and by ejgrad-nn's fused losses
        recorded.addAll(List.of("flatConcat", "flatSlice", "flatPad", "BCELoss", "BCELossBackward",
                "GaussianNLLLoss.varClamp"));
        Set<String> names = publicOps().stream().map(s -> s.substring(0, s.indexOf('('))).collect(Collectors.toSet());
        Set<String> unexplained = new TreeSet<>();
        for (String name : recorded) {
            if (!names.contains(name) && GraphExport.meaning(name) == null) {
                unexplained.add(name);
            }
        }
        assertTrue(unexplained.isEmpty(), "op names recorded in graphs, neither a public op of Tensor nor in "
                + "GraphExport's glossary: " + unexplained);
        assertTrue(recorded.containsAll(List.of("sumTo", "thresholdBackward", "logSigmoidBackward", "scatterAdd")),
                "the walk reaches the backward ops: " + recorded);
    }

    /** The names of every node of t's graph, iteratively (a deep graph would overflow a recursive walk). */
    private static void collect(Tensor t, Set<String> names) {
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Tensor> todo = new ArrayDeque<>(List.of(t));
        while (!todo.isEmpty()) {
            Tensor u = todo.pop();
            if (u.node == null || !seen.add(u)) {
                continue;
            }
            names.add(u.node.name);
            Tensor[] inputs = u.node.inputsIfKept();
            if (inputs != null) {
                todo.addAll(List.of(inputs));
            }
        }
    }
}
