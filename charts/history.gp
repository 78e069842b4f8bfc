# history.gp: each cell's run median across stored runs (bars: the run's fastest to slowest
# trial), the band learned from its history (shaded) and its change points (red diamonds); a panel
# per cell, the runs on the x axis.
# Data (HistoryChart.swift): series.tsv, a block per panel: x, y, low, high, label; band.tsv, a
# block per panel with a band: x, band_low, band_high (panel_band[p]: its block, 0 for none);
# change.tsv, a block per panel with change points: x, y (panel_change[p], likewise).
load charts_dir . "/lib.gp"

set multiplot title heading
do for [p = 1:panel_count] {
    eval panel(p)
    eval y_axis(p, "%.0s %cs", "%.1s %cs")
    set xrange [0.5 : run_count + 0.5]
    set xtics rotate by 45 right font ",7" noenhanced
    history_plot = "plot "
    if (panel_band[p] > 0) {
        history_plot = history_plot . sprintf("data('band.tsv') index %d using 'x':'band_low':'band_high' with filledcurves fc rgb '#1F77B4' fs transparent solid 0.15 noborder notitle, ", panel_band[p] - 1)
    }
    history_plot = history_plot . sprintf("data('series.tsv') index %d using 'x':'y':'low':'high':xtic(stringcolumn('label')) with yerrorlines lw 1.5 pt 7 ps 0.7 lc rgb '#1F77B4' notitle", p - 1)
    if (panel_change[p] > 0) {
        history_plot = history_plot . sprintf(", data('change.tsv') index %d using 'x':'y' with points pt 13 ps 2.0 lc rgb '#D62728' notitle", panel_change[p] - 1)
    }
    eval history_plot
}
unset multiplot
