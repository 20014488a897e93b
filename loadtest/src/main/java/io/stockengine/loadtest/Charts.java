package io.stockengine.loadtest;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The PNG plots, drawn with XChart: latency by percentile (the HdrHistogram plotter's view: the x axis is
 * log10(1 / (1 - percentile)), so 90%, 99%, 99.9% ... are evenly spaced and the tail is visible), and the run over
 * time (rates on top, latency percentiles of each second below).
 * <p>
 * The percentile axis is drawn linear over the logarithm rather than as an XChart log axis: XChart's tick labeller
 * ignores a custom label function on a log axis and does not finish on a range of 1 to 10^6.
 */
final class Charts
{
    private static final int WIDTH = 900;
    private static final int HEIGHT = 520;
    /** The plot stops at 99.9999%: log10(1/(1-p)) = 6. */
    private static final double MAX_X = 6;

    private Charts()
    {
    }

    /** One series per histogram (values in microseconds), named. */
    static void latencyByPercentile(final Path file, final String title, final List<String> names,
        final List<Histogram> histograms) throws IOException
    {
        final XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
            .xAxisTitle("percentile").yAxisTitle("latency from intended start (ms)").build();
        chart.getStyler().setXAxisMin(0.0);
        chart.getStyler().setxAxisTickLabelsFormattingFunction(Charts::percentileLabel);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setMarkerSize(0);
        double maxX = 1;
        for (int i = 0; i < names.size(); i++)
        {
            final Histogram h = histograms.get(i);
            if (h.getTotalCount() == 0)
            {
                continue;
            }
            final List<Double> xs = new ArrayList<>();
            final List<Double> ys = new ArrayList<>();
            for (final HistogramIterationValue v : h.percentiles(5))
            {
                final double p = v.getPercentileLevelIteratedTo() / 100.0;
                if (p >= 1.0)
                {
                    break;
                }
                final double x = Math.log10(1.0 / (1.0 - p));
                if (x > MAX_X)
                {
                    break;
                }
                xs.add(x);
                ys.add(v.getValueIteratedTo() / 1000.0);
            }
            // The maximum has no finite 1/(1-p): it is drawn just past the last percentile the histogram resolves.
            final double last = xs.isEmpty() ? 0 : xs.get(xs.size() - 1);
            if (last < MAX_X)
            {
                xs.add(Math.min(MAX_X, last + 0.3));
                ys.add(h.getMaxValue() / 1000.0);
            }
            maxX = Math.max(maxX, xs.get(xs.size() - 1));
            final XYSeries series = chart.addSeries(names.get(i) + String.format(Locale.ROOT, " (p99 %.2f ms)",
                h.getValueAtPercentile(99) / 1000.0), xs, ys);
            series.setMarker(SeriesMarkers.NONE);
        }
        chart.getStyler().setXAxisMax(Math.ceil(maxX));
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** A tick of the axis log10(1/(1-p)) as the percentile it stands for; only whole decades are labelled. */
    private static String percentileLabel(final Double x)
    {
        if (x == null || x < 0 || Math.abs(x - Math.rint(x)) > 1e-9)
        {
            return " ";
        }
        final int decade = (int)Math.rint(x);
        if (decade == 0)
        {
            return "0%";
        }
        final double percentile = 100.0 * (1.0 - Math.pow(10, -decade));
        return String.format(Locale.ROOT, "%." + Math.max(0, decade - 2) + "f%%", percentile);
    }

    static void timeline(final Path file, final String title, final List<Progress.Point> points) throws IOException
    {
        final List<Double> t = new ArrayList<>();
        final List<Double> target = new ArrayList<>();
        final List<Double> sent = new ArrayList<>();
        final List<Double> answered = new ArrayList<>();
        final List<Double> p50 = new ArrayList<>();
        final List<Double> p99 = new ArrayList<>();
        final List<Double> max = new ArrayList<>();
        for (final Progress.Point p : points)
        {
            t.add(p.second());
            target.add(p.targetRate());
            sent.add(p.sentRate());
            answered.add(p.answeredRate());
            // A log axis cannot show zero: a second with no answers plots at the axis floor.
            p50.add(Math.max(0.001, p.p50()));
            p99.add(Math.max(0.001, p.p99()));
            max.add(Math.max(0.001, p.max()));
        }
        if (t.isEmpty())
        {
            return;
        }
        final XYChart rates = new XYChartBuilder().width(WIDTH).height(HEIGHT / 2).title(title)
            .xAxisTitle("seconds").yAxisTitle("requests/s").build();
        rates.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        rates.getStyler().setMarkerSize(0);
        rates.addSeries("target", t, target).setMarker(SeriesMarkers.NONE);
        rates.addSeries("sent", t, sent).setMarker(SeriesMarkers.NONE);
        rates.addSeries("answered", t, answered).setMarker(SeriesMarkers.NONE);
        final XYChart latency = new XYChartBuilder().width(WIDTH).height(HEIGHT / 2)
            .xAxisTitle("seconds").yAxisTitle("ms (log)").build();
        latency.getStyler().setYAxisLogarithmic(true);
        latency.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        latency.getStyler().setMarkerSize(0);
        latency.addSeries("p50", t, p50).setMarker(SeriesMarkers.NONE);
        latency.addSeries("p99", t, p99).setMarker(SeriesMarkers.NONE);
        latency.addSeries("max", t, max).setMarker(SeriesMarkers.NONE);
        BitmapEncoder.saveBitmap(List.of(rates, latency), 2, 1, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
