# plot.gp: draws every chart of a tvp run with gnuplot alone (no tvp binary, no network).
#
#     gnuplot -c /path/to/tvp/plot.gp RUN_DIR [OUT_DIR]
#
# RUN_DIR/charts/data/ holds what tvp prepared at the end of the run (or `tvp plot RUN_DIR` for a run
# made before tvp wrote it): index.gp names the charts, and one folder per chart holds its
# settings.gp and data tables. Each chart is drawn as OUT_DIR/<chart>.png and .svg (OUT_DIR: by
# default RUN_DIR/charts) by charts/<chart>.gp, which loads charts/lib.gp. The chart scripts come from
# the charts/ folder beside this file, never from the current directory, unless `charts_dir` is set
# first (gnuplot -e "charts_dir = '/my/charts'" -c plot.gp RUN_DIR). Edit a script, run this again.
# `tvp plot RUN_DIR` runs exactly this file. Everything it prints goes to stdout: anything on stderr
# is gnuplot's own warning or error, which tvp treats as a failure.
set print "-"
if (ARGC < 1) {
    exit error "usage: gnuplot -c plot.gp RUN_DIR [OUT_DIR]: draws every chart of the tvp run in RUN_DIR"
}
tvp_run = ARG1
tvp_out = ARGC >= 2 ? ARG2 : tvp_run . "/charts"
# The folder of this file: ARG0 up to its last '/'.
tvp_slash = strlen(ARG0)
while (tvp_slash > 0 && ARG0[tvp_slash:tvp_slash] ne "/") { tvp_slash = tvp_slash - 1 }
tvp_home = tvp_slash > 1 ? ARG0[1:tvp_slash - 1] : (tvp_slash == 1 ? "/" : ".")
if (!exists("charts_dir")) { charts_dir = tvp_home . "/charts" }

# A run made before tvp wrote its chart data has no index.gp: `tvp plot RUN_DIR` writes it once.
load tvp_run . "/charts/data/index.gp"
if (tvp_chart_data_version != 1) {
    # (gnuplot cuts an error message at about 160 characters: the command comes first.)
    exit error sprintf("run: tvp plot %s (its chart data is version %d; this plot.gp draws version 1)", tvp_run, tvp_chart_data_version)
}

do for [tvp_chart in tvp_charts] {
    do for [tvp_format in "png svg"] {
        print sprintf("drawing %s.%s", tvp_chart, tvp_format)
        # Nothing of the previous chart carries over: its settings, and the optional values lib.gp
        # gives a default only when a chart's settings.gp does not set them.
        reset
        undefine panel_* block_* legend_* box_* gap_y panels_abreast y_log_base
        data_dir = tvp_run . "/charts/data/" . tvp_chart
        output = tvp_out . "/" . tvp_chart . "." . tvp_format
        format = tvp_format
        load charts_dir . "/" . tvp_chart . ".gp"
        unset output
    }
}
