package dev.ejgrad.examples;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The examples' command line: {@code mnist}, the lessons, and {@code quickstart}.
 *
 * <pre>
 * mvn -q -pl examples -am compile exec:java -Dexec.args="mnist"
 * mvn -q -pl examples -am compile exec:java -Dexec.args="--help"
 * </pre>
 */
@Command(name = "ejgrad-examples", mixinStandardHelpOptions = true, version = "ejgrad examples 0.1.0-SNAPSHOT",
        description = "Runnable ejgrad programs: a full MNIST training run and the lessons behind cross-entropy.",
        subcommands = {MnistCommand.class, WhyCrossEntropy.class, FourLosses.class, KlVsCrossEntropy.class,
            LogisticRegression.class, Multilabel.class, MseAsLikelihood.class, FisherInformation.class,
            ExplainLosses.class, GraphCommand.class,
            QuickStart.class})
public final class Main implements Runnable {

    /** The top-level command; its subcommands do the work. */
    public Main() {
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * Runs a subcommand.
     *
     * @param args the subcommand and its options; none prints the usage
     */
    public static void main(String[] args) {
        int code = commandLine().execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** {@return the command line, with case-insensitive option values (adam, ADAM)} */
    static CommandLine commandLine() {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
