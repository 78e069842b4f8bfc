# sharing.gp: where sharing hurts; the wall time per update of each sharing strategy (a panel per
# tally, alloc and refs variant, all on one log axis) against workers, a line per mode with bars
# from the fastest and slowest trials; the points where a race lost updates carry the count.
# Data (SharingChart.swift): series.tsv, a block per (panel, mode): x, workers, y (seconds per
# update), low, high; labels.tsv, a block per panel with lost updates: x, y, text, rgb (the
# mode's colour). Settings: panel_labels (the panel's block of labels.tsv, 0 for none).
load charts_dir . "/lib.gp"

set multiplot title heading
do for [p = 1:panel_count] {
    eval panel(p)
    eval workers_axis
    eval y_axis(p, "%.0s %cs", "%.0s %cs")
    if (panel_labels[p] > 0) {
        plot for [b = panel_first[p]:panel_last[p]] data("series.tsv") index (b - 1) using "x":"y":"low":"high" \
                with yerrorlines lw block_width[b] ps 1.1 lc rgb block_color[b] pt block_point[b] notitle, \
            data("labels.tsv") index (panel_labels[p] - 1) using "x":"y":"text":"rgb" \
                with labels center offset 0, 1.1 tc rgb variable font ",9" notitle
    } else {
        plot for [b = panel_first[p]:panel_last[p]] data("series.tsv") index (b - 1) using "x":"y":"low":"high" \
                with yerrorlines lw block_width[b] ps 1.1 lc rgb block_color[b] pt block_point[b] notitle
    }
}
eval legend
unset multiplot
