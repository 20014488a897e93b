package io.stockengine.journal;

import java.io.PrintWriter;

import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * A mistyped flag gets its one-line message, picocli's suggestions for a misspelt one, and where the help is, with the
 * usual exit status 2: picocli's default prints the whole usage after the message (the server's runs to 80 lines),
 * which pushes the one line that says what to fix off the screen. Shared by every command line of the project.
 */
public final class ShortUsageErrors implements IParameterExceptionHandler
{
    /** Installs the handler on {@code commandLine} and its subcommands; returns it. */
    public static CommandLine install(final CommandLine commandLine)
    {
        return commandLine.setParameterExceptionHandler(new ShortUsageErrors());
    }

    /**
     * picocli's words for an option of an exclusive group given twice ("Error: expected only one match but got
     * [--a=N | --b=D]={--a=5} and [--a=N | --b=D]={--a=6}") said nothing a user could act on.
     */
    static String reworded(final String message)
    {
        final String twice = "Error: expected only one match but got ";
        final int start = message == null ? -1 : message.indexOf('[', twice.length() - 1);
        final int end = start < 0 ? -1 : message.indexOf(']', start);
        return message != null && message.startsWith(twice) && end > start ?
            "give one of " + message.substring(start, end + 1) + ", once" : message;
    }

    @Override
    public int handleParseException(final ParameterException ex, final String[] args)
    {
        final CommandLine failed = ex.getCommandLine();
        final PrintWriter err = failed.getErr();
        err.println(failed.getColorScheme().errorText(reworded(ex.getMessage())));
        UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for the options.");
        err.flush();
        return failed.getExitCodeExceptionMapper() != null ?
            failed.getExitCodeExceptionMapper().getExitCode(ex) : failed.getCommandSpec().exitCodeOnInvalidInput();
    }
}
