package dev.ejgrad.examples;

import dev.ejgrad.examples.data.DataFormatException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The examples' command line: {@code mnist}, {@code train-csv}, the lessons, and {@code quickstart}.
 *
 * <pre>
 * mvn -q -pl examples -am compile exec:java -Dexec.args="mnist"
 * mvn -q -pl examples -am compile exec:java -Dexec.args="--help"
 * </pre>
 *
 * <p>A user's mistake (a missing file, a bad option, malformed data, no network) ends the program with one line on
 * standard error, naming the command and what to change, and exit code 1 (2 for a bad option); {@code --verbose},
 * accepted by every command, adds the stack trace.
 */
@Command(name = "ejgrad-examples", mixinStandardHelpOptions = true, version = "ejgrad examples 0.1.0-SNAPSHOT",
        description = "Runnable ejgrad programs: a full MNIST training run, a classifier for any numeric CSV and the "
            + "lessons behind cross-entropy.",
        subcommands = {MnistCommand.class, SequenceMnistCommand.class, TrainCsvCommand.class, WhyCrossEntropy.class,
            FourLosses.class, KlVsCrossEntropy.class, LogisticRegression.class, Multilabel.class, MseAsLikelihood.class,
            FisherInformation.class, Likelihoods.class, BitsPerCharacter.class, Calibration.class, ConvAsMatmul.class,
            ExplainLosses.class, GraphCommand.class, QuickStart.class})
public final class Main implements Runnable {

    /** The top-level command; its subcommands do the work. */
    public Main() {
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "On an error, print the stack trace as well as the message.")
    boolean verbose;

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

    /**
     * {@return the command line, with case-insensitive option values (adam, ADAM) and errors on one line}
     */
    static CommandLine commandLine() {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true)
                .setParameterExceptionHandler(Main::badOption)
                .setExecutionExceptionHandler((e, cmd, parsed) -> failed(e, cmd, verbose(parsed)));
    }

    private static boolean verbose(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult r = parsed; r != null; r = r.subcommand()) {
            if (r.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /** A bad option or value: its message and where the options are listed, exit code 2. */
    private static int badOption(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println(cmd.getCommandName() + ": " + oneLine(e.getMessage()) + " (" + helpCommand(cmd)
                + " lists the options)");
        if (java.util.Arrays.asList(args).contains("--verbose")) {
            e.printStackTrace(err);
        }
        err.flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** An exception from a command: one line that says what went wrong, the stack trace only if asked. */
    static int failed(Exception e, CommandLine cmd, boolean verbose) {
        PrintWriter err = cmd.getErr();
        boolean expected = isUserError(e);
        err.println(cmd.getCommandName() + ": " + message(e)
                + (expected || verbose ? "" : " (an unexpected error; --verbose shows where)"));
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return 1;
    }

    private static String helpCommand(CommandLine cmd) {
        return cmd.getParent() == null ? "--help" : "'" + cmd.getCommandName() + " --help'";
    }

    /** Errors of input, files or network, as opposed to a bug in the examples. */
    private static boolean isUserError(Throwable e) {
        Throwable t = e instanceof UncheckedIOException ? e.getCause() : e;
        return t instanceof IOException || t instanceof IllegalArgumentException;
    }

    /** The message a user can act on, for the exceptions whose own message is only a path or nothing. */
    static String message(Throwable e) {
        Throwable t = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
        if (t instanceof FileSystemException && !(t instanceof DataFormatException)) {
            FileSystemException f = (FileSystemException) t;
            String what = t instanceof NoSuchFileException ? "no such file or folder"
                    : t instanceof AccessDeniedException ? "permission denied"
                    : t instanceof NotDirectoryException ? "not a folder"
                    : t instanceof FileAlreadyExistsException ? "exists and is not a folder"
                    : t instanceof DirectoryNotEmptyException ? "folder not empty"
                    : f.getReason() == null ? "cannot be used" : f.getReason();
            return f.getFile() + ": " + what + (f.getOtherFile() == null ? "" : " (" + f.getOtherFile() + ")");
        }
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            return t.getClass().getSimpleName();
        }
        return oneLine(t instanceof IOException || t instanceof IllegalArgumentException
                || t instanceof IllegalStateException ? m : t.getClass().getSimpleName() + ": " + m);
    }

    private static String oneLine(String s) {
        return s.strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
