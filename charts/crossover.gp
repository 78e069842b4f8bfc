# crossover.gp: the crossover as a map; a panel per pair of modes, x the task size (log), y the CPU
# share (a row each), each cell coloured by log2(thread wall ÷ process wall) on a diverging scale
# centred on 1 and labelled with the faster mode's factor, the break-even contour in black, the
# colour scale under the panels.
# Data (CrossoverMapChart.swift): cells.tsv, a block per panel: x, y, x_low, x_high, y_low,
# y_high, log2_ratio, label, label_color; contour.tsv, a block per panel: x, y, dx, dy.
# Settings: x_* (task sizes), y_tic_label (the shares), cb_limit, cb_tic_value, cb_tic_label,
# panel_verdict.
load charts_dir . "/lib.gp"

set palette defined (-1 "#08519C", -0.5 "#6BAED6", 0 "#F7F7F7", 0.5 "#FD8D3C", 1 "#A63603")
set cbrange [-cb_limit : cb_limit]
set cbtics ()
do for [k = 1:|cb_tic_value|] { set cbtics add (cb_tic_label[k] cb_tic_value[k]) }
set cbtics scale 0.5 nomirror
unset grid
set tics front

set multiplot title heading
do for [p = 1:panel_count] {
    eval panel(p)
    eval x_axis
    set yrange [panel_ylow[p] : panel_yhigh[p]]
    set ytics ()
    do for [k = 1:|y_tic_label|] { set ytics add (y_tic_label[k] k) }
    set ytics nomirror out
    set ylabel panel_ylabel[p] noenhanced
    set label 1 panel_verdict[p] at graph 0.5, graph 1.04 center font ",9" noenhanced
    set title offset 0, 0.7
    # The colour scale once, under the panels, with the direction of each side.
    if (p == panel_count) {
        set colorbox horizontal user origin screen 0.3, screen 0.075 size screen 0.4, screen 0.022
        set label 2 "◀ thread mode faster" at screen 0.29, screen 0.086 right font ",10"
        set label 3 "process mode faster ▶" at screen 0.71, screen 0.086 left font ",10"
        set label 4 "cells: the faster mode's factor, in parentheses when the 95 % interval of the ratio includes 1 · " . \
            "CPU share 0: the task only sleeps, 1: it only hashes" at screen 0.5, screen 0.018 center font ",9"
    } else {
        unset colorbox
    }
    plot data("cells.tsv") index (p - 1) using "x":"y":"x_low":"x_high":"y_low":"y_high":"log2_ratio" \
            with boxxyerror fs solid 1.0 noborder fc palette notitle, \
        data("contour.tsv") index (p - 1) using "x":"y":"dx":"dy" with vectors nohead lw 3 lc rgb "#000000" notitle, \
        data("cells.tsv") index (p - 1) using "x":"y":"label":"label_color" with labels tc rgb variable font ",8" notitle
}
unset multiplot
