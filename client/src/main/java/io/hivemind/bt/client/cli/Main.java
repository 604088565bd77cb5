package io.hivemind.bt.client.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code hivebt} command line. Exit codes: 0 success, 1 bad input or failure, 2 usage. */
@Command(name = "hivebt", mixinStandardHelpOptions = true, version = "hivebt 0.1.0",
        description = "BitTorrent client, tracker and DHT node.",
        subcommands = {
                CommandLine.HelpCommand.class,
                DownloadCommand.class,
                SeedCommand.class,
                RecheckCommand.class,
                TrackerCommand.class,
                DhtCommand.class,
                DaemonCommand.class,
                QuickstartCommand.class,
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
        return new CommandLine(new Main()).execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand");
    }
}
