package io.hivemind.bt.client.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code hivebt} command line. Exit codes: 0 success, 1 bad input or failure, 2 usage. */
@Command(name = "hivebt", mixinStandardHelpOptions = true, version = "hivebt 0.1.0",
        description = "BitTorrent client, tracker and DHT node.",
        subcommands = {
                CommandLine.HelpCommand.class,
                CreateCommand.class,
                InfoCommand.class,
                DownloadCommand.class,
                SeedCommand.class,
                RecheckCommand.class,
                TrackerCommand.class,
                DhtCommand.class,
                DaemonCommand.class,
                QuickstartCommand.class,
                DoctorCommand.class,
                WorkerCommand.class,
                PublishCommand.class,
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        CliLogging.configure();
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code (used by tests, which must not call {@code System.exit}). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** Runs the CLI with its output and error streams redirected (for tests). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = commandLine();
        cl.setOut(out);
        cl.setErr(err);
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /**
     * The command line with hivebt's exit codes: usage errors give 2 (picocli's default), and any exception a
     * command throws is bad input or a failure: a one-line message on stderr and exit code 1.
     */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            String message = e.getMessage() != null && !e.getMessage().isBlank() ? e.getMessage() : e.toString();
            cmd.getErr().println("hivebt " + cmd.getCommandName() + ": " + message.lines().findFirst().orElse(""));
            cmd.getErr().flush();
            return 1;
        });
        return cl;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand");
    }
}
