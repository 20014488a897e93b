package io.stockengine.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

class LoadTestMainTest
{
    private static CommandLine command()
    {
        final CommandLine command = new CommandLine(new LoadTestMain());
        command.setOut(new PrintWriter(new StringWriter()));
        command.setErr(new PrintWriter(new StringWriter()));
        return command;
    }

    @Test
    void shouldRefuseAnUnknownScenarioWithStatusTwo()
    {
        assertEquals(2, command().execute("--scenario", "black-friday", "--no-charts"));
    }

    /** Before any load: an --out under a file cannot hold the reports (status 2, no server needed). */
    @Test
    void shouldRefuseAnOutputDirectoryThatCannotBeMade(@org.junit.jupiter.api.io.TempDir final java.nio.file.Path dir)
        throws java.io.IOException
    {
        final java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("a-file"), "x");
        // Status 3 (no server on port 1) without the check: the run would start before the reports are written.
        assertEquals(2, command().execute("--out", file.resolve("sub").toString(), "--no-charts", "--tcp-port", "1",
            "--duration", "1"));
    }

    @Test
    void shouldRefuseAnUnknownFlagOrABadValueWithStatusTwo()
    {
        assertEquals(2, command().execute("--port", "9090"));
        assertEquals(2, command().execute("--rate", "fast"));
        assertEquals(2, command().execute("--rate", "-5"));
    }

    @Test
    void shouldApplyTheScenarioDefaults()
    {
        final LoadTestMain main = new LoadTestMain();
        new CommandLine(main).parseArgs("--scenario", "pos", "--rate", "5000", "--protocol", "http");
        final LoadConfig config = main.configure();
        assertEquals(50, config.locations);
        assertEquals(2_000, config.skus);
        assertEquals(10, config.burst);
        assertEquals(5_000, config.rate);
        assertEquals("http", config.protocol);
    }

    /** A size or port given as zero or less is refused, not replaced by the scenario's default. */
    @Test
    void shouldRefuseSizesAndPortsOutOfRange()
    {
        for (final String[] args : new String[][] { { "--skus", "0" }, { "--locations", "-1" },
            { "--channels", "0" }, { "--scenario", "pos", "--burst", "0" }, { "--tcp-port", "70000" },
            { "--http-port", "0" }, { "--rate", "Infinity" }, { "--rate", "1e7" }, { "--rate", "NaN" },
            { "--duration", "Infinity" }, { "--step", "--step-max", "1e9" } })
        {
            final LoadTestMain main = new LoadTestMain();
            new CommandLine(main).parseArgs(args);
            assertThrows(IllegalArgumentException.class, main::configure, String.join(" ", args));
        }
        final LoadTestMain defaults = new LoadTestMain();
        new CommandLine(defaults).parseArgs("--scenario", "pos");
        assertEquals(2_000, defaults.configure().skus, "not given: the scenario's default");
    }

    @Test
    void shouldRefuseHotSkusOutsideTheCatalogue()
    {
        final LoadTestMain main = new LoadTestMain();
        new CommandLine(main).parseArgs("--scenario", "flash-sale", "--skus", "5", "--hot-skus", "10");
        assertThrows(IllegalArgumentException.class, main::configure);
    }

    @Test
    void shouldRoundStepRatesToThreeDigits()
    {
        assertEquals(1_560, LoadTest.roundRate(1_562.5));
        assertEquals(12_200, LoadTest.roundRate(12_207));
    }

    /** A small factor that rounds back to the same rate must still raise it, or step mode repeats one step. */
    @Test
    void shouldAlwaysRaiseTheStepRate()
    {
        assertEquals(1_500, LoadTest.nextStepRate(1_000, 1.5, 1_000_000));
        assertEquals(1_004, LoadTest.nextStepRate(1_000, 1.004, 1_000_000));
        assertEquals(1_233, LoadTest.nextStepRate(1_231, 1.001, 1_000_000));
        assertEquals(1_200, LoadTest.nextStepRate(1_000, 1.5, 1_200), "never past the maximum");
    }
}
