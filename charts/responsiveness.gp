# responsiveness.gp: a foreground's wake-up lateness while the workers hash in the background; a
# panel per responsiveness variant and worker count, a line per mode through its percentiles (p50,
# p90, p99, p99.9, max) on a nines x axis, all panels on one log y axis, the p99 column dashed and
# its points ringed; serial (the foreground alone) in every panel as the floor.
# Data (ResponsivenessChart.swift): series.tsv, a block per (panel, mode): x (−log10(1 − p); 3.6
# for the latest wake-up), y (seconds), p99 (y at the p99 point, NaN elsewhere), label (the
# background's MB/s) and label_y (where it is written: NaN unless the panels are several).
# Settings: x_log, x_low, x_high, x_tic_value, x_tic_label, x_label (lib.gp's x_axis), p99_x.
load charts_dir . "/lib.gp"

set multiplot title heading
do for [p = 1:panel_count] {
    eval panel(p)
    eval x_axis
    eval y_axis(p, "%.0s %cs", "%.0s %cs")
    set arrow from p99_x, graph 0 to p99_x, graph 1 nohead dt 2 lw 1.5 lc rgb "#555555"
    plot for [b = panel_first[p]:panel_last[p]] data("series.tsv") index (b - 1) using "x":"y" \
            with linespoints lw block_width[b] ps 1.1 lc rgb block_color[b] pt block_point[b] notitle, \
        for [b = panel_first[p]:panel_last[p]] data("series.tsv") index (b - 1) using "x":"p99" \
            with points ps 2.4 lw 1.5 lc rgb block_color[b] pt 6 notitle, \
        for [b = panel_first[p]:panel_last[p]] data("series.tsv") index (b - 1) using "x":"label_y":"label" \
            with labels left offset 1.2, 0 tc rgb block_color[b] font ",9" notitle
}
eval legend
unset multiplot
