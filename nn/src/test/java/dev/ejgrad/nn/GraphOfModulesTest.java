package dev.ejgrad.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejgrad.core.GraphExport;
import dev.ejgrad.core.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The graph picture of the second part's modules names their parameters and, when given, their buffers. */
class GraphOfModulesTest {

    @Test
    void aBatchNormInEvalShowsItsRunningStatisticsByName() {
        Random rng = new Random(3);
        Sequential model = new Sequential(new Linear(3, 4, true, rng), new BatchNorm1d(4), new ReLU(),
                new Linear(4, 2, true, rng));
        model.forward(Tensor.randn(5, 3, rng));   // one training step moves the running statistics
        model.eval();
        Tensor out = model.forward(Tensor.randn(2, 3, rng)).sum();
        Map<String, Tensor> names = new LinkedHashMap<>(model.namedParameters());
        names.putAll(model.namedBuffers());
        String dot = GraphExport.toDot(out, GraphExport.options().names(names));
        // running_var enters through var + eps, a constant computed outside the graph, so it is drawn as that constant
        for (String name : new String[] {"0.weight", "1.weight", "1.bias", "1.running_mean", "3.bias"}) {
            assertTrue(dot.contains(name), name + " in\n" + dot);
        }
    }

    @Test
    void attentionAndCellsDrawTheirParameters() {
        Random rng = new Random(4);
        MultiheadAttention mha = new MultiheadAttention(4, 2, rng);
        Tensor x = Tensor.randn(3, 4, rng);
        String dot = GraphExport.toDot(mha.forward(x).sum(), GraphExport.options().names(mha.namedParameters()));
        for (String name : new String[] {"in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"}) {
            assertTrue(dot.contains(name), name + " in\n" + dot);
        }
        GRUCell cell = new GRUCell(2, 3, rng);
        String gru = GraphExport.toDot(cell.forward(Tensor.randn(2, 2, rng)).sum(),
                GraphExport.options().names(cell.namedParameters()));
        assertTrue(gru.contains("weight_ih") && gru.contains("bias_hh"), gru);
    }
}
