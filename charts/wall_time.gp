# wall_time.gp: median wall time of one trial against workers; a panel per variant, a line per
# mode, bars from the fastest to the slowest trial.
# Data (WallTimeChart.swift): series.tsv, a block per (panel, mode): x, workers, y, low, high.
load charts_dir . "/lib.gp"

set multiplot title heading
do for [p = 1:panel_count] {
    eval panel(p)
    eval workers_axis
    eval y_axis(p, "%.0s %cs", "%g s")
    plot for [b = panel_first[p]:panel_last[p]] data("series.tsv") index (b - 1) using "x":"y":"low":"high" \
        with yerrorlines lw block_width[b] ps 1.1 lc rgb block_color[b] pt block_point[b] notitle
}
eval legend
unset multiplot
