# Plots of scenarios 6, 9, 10, 11 and 13, from the .dat files report.py writes. Run by bench/run.sh as
#   gnuplot -e "dir='OUT'" bench/scenarios/plots.gp
# PNGs go to OUT/; a plot whose data is missing (its scenario not run) is skipped.
if (!exists("dir")) dir = "."
exists_file(f) = system("test -f '" . f . "' && echo 1 || echo 0") + 0

set terminal pngcairo size 720,420 font "DejaVu Sans,10" noenhanced
set grid lc rgb "#dddddd"
set key below horizontal
set style line 1 lc rgb "#1f77b4" lw 2 pt 7 ps 0.9
set style line 2 lc rgb "#ff7f0e" lw 2 pt 5 ps 0.9 dt 2
set style line 3 lc rgb "#2ca02c" lw 2 pt 9 ps 0.9
set style line 4 lc rgb "#d62728" lw 2 pt 11 ps 0.9

f = dir . "/plots/workers.dat"
if (exists_file(f)) {
  set output dir . "/workers.png"
  set title "Throughput against workers (cache hits, 16 connections, direct SCGI)"
  set xlabel "workers"
  set ylabel "requests/s"
  set y2label "backend CPU µs/request"
  set ytics nomirror
  set y2tics
  set logscale x 2
  set yrange [0:*]
  set y2range [0:*]
  plot f using 1:2 with linespoints ls 1 title "pscgi req/s", \
       f using 1:3 with linespoints ls 2 title "pscgi-ideal req/s", \
       f using 1:4 axes x1y2 with linespoints ls 3 title "pscgi CPU/req", \
       f using 1:5 axes x1y2 with linespoints ls 4 title "ideal CPU/req"
  unset logscale x
  unset y2tics
  unset y2label
  set ytics mirror
}

f = dir . "/plots/connections.dat"
if (exists_file(f)) {
  set output dir . "/connections.png"
  set title "Throughput against connections (cache hits, 2 workers, direct SCGI)"
  set xlabel "connections (closed loop)"
  set ylabel "requests/s"
  set y2label "backend CPU µs/request"
  set ytics nomirror
  set y2tics
  set logscale x 4
  set yrange [0:*]
  set y2range [0:*]
  plot f using 1:2 with linespoints ls 1 title "pscgi req/s", \
       f using 1:3 with linespoints ls 2 title "pscgi-ideal req/s", \
       f using 1:4 axes x1y2 with linespoints ls 3 title "pscgi CPU/req", \
       f using 1:5 axes x1y2 with linespoints ls 4 title "ideal CPU/req"
  unset logscale x
  unset y2tics
  unset y2label
  set ytics mirror
}

# grid.dat: one block (gnuplot index) per worker count, its "# workers N" line naming it.
f = dir . "/plots/grid.dat"
if (exists_file(f)) {
  workers = system("awk '/^# workers/ {printf \"%s \", $3}' '" . f . "'")
  n = words(workers)
  set xlabel "connections (closed loop)"
  set logscale x 2
  set yrange [0:*]
  set output dir . "/concurrency-cpu.png"
  set title "CPU per request against connections (cache hits; solid pscgi, dashed pscgi-ideal)"
  set ylabel "backend CPU µs/request"
  plot for [i=0:n-1] f index i using 1:4 with linespoints lt i+1 lw 2 pt 7 \
         title sprintf("pscgi, %s workers", word(workers, i+1)), \
       for [i=0:n-1] f index i using 1:5 with lines lt i+1 dt 2 notitle
  set output dir . "/concurrency-wakeups.png"
  set title "Server wake-ups per request against connections (solid pscgi, dashed pscgi-ideal)"
  set ylabel "voluntary context switches per response"
  plot for [i=0:n-1] f index i using 1:6 with linespoints lt i+1 lw 2 pt 7 \
         title sprintf("pscgi, %s workers", word(workers, i+1)), \
       for [i=0:n-1] f index i using 1:7 with lines lt i+1 dt 2 notitle
  unset logscale x
}

f = dir . "/plots/cache-size.dat"
if (exists_file(f)) {
  set output dir . "/cache-size.png"
  set title "A hit against the number of entries in the cache (1 worker, 1 KiB pages)"
  set xlabel "entries in the cache"
  set ylabel "backend CPU µs/request"
  set y2label "requests/s"
  set ytics nomirror
  set y2tics
  set logscale x 10
  set yrange [0:*]
  set y2range [0:*]
  plot f using 1:3 with linespoints ls 1 title "pscgi CPU/req", \
       f using 1:2 axes x1y2 with linespoints ls 2 title "pscgi req/s"
  unset logscale x
  unset y2tics
  unset y2label
  set ytics mirror
}

f = dir . "/plots/body-size.dat"
if (exists_file(f)) {
  set output dir . "/body-size.png"
  set title "A hit against the page size (1 worker, 2 connections, direct SCGI)"
  set xlabel "body KiB"
  set ylabel "backend CPU µs/request (log scale)"
  set y2label "requests/s (log scale)"
  set ytics nomirror
  set y2tics
  set logscale x 2
  set logscale y 10
  set logscale y2 10
  set yrange [*:*]
  set y2range [*:*]
  plot f using 1:4 with linespoints ls 1 title "pscgi CPU/req", \
       f using 1:5 with linespoints ls 2 title "pscgi-ideal CPU/req", \
       f using 1:2 axes x1y2 with linespoints ls 3 title "pscgi req/s", \
       f using 1:3 axes x1y2 with linespoints ls 4 title "pscgi-ideal req/s"
  unset logscale
  unset y2tics
  unset y2label
  set ytics mirror
}

f = dir . "/plots/rate-pscgi.dat"
g = dir . "/plots/rate-ideal.dat"
if (exists_file(f)) {
  set output dir . "/latency.png"
  set title "Latency against offered rate (open loop, cache hits, 2 workers)"
  set xlabel "offered requests/s"
  set ylabel "latency, ms (log scale)"
  set logscale y 10
  set yrange [*:*]
  set format y "%g"
  plot f using 1:3 with linespoints ls 1 title "pscgi p50", \
       f using 1:5 with linespoints ls 3 title "pscgi p99", \
       f using 1:6 with linespoints ls 4 title "pscgi p99.9", \
       g using 1:5 with linespoints ls 2 title "pscgi-ideal p99"
}

# Scenarios 11 and 13: one bar pair per way of serving the surge.
do for [i = 1:2] {
  f = dir . "/plots/" . word("surge.dat two-levels.dat", i)
  if (exists_file(f)) {
    set output dir . "/" . word("surge.png two-levels.png", i)
    set title (i == 1 ? "The surge: Zipf over 1 000 pages of /work?ms=2 through nginx (2 backend workers)" \
                      : "Two cache levels: the surge of scenario 11, nginx's cache in front of pscgi's")
    set style data histograms
    set style histogram clustered gap 1
    set style fill solid 0.8 border -1
    set boxwidth 0.9
    set xtics rotate by -20 scale 0 font ",8"
    unset xlabel
    unset logscale
    set ylabel "requests/s"
    set y2label "reached the app, %"
    set ytics nomirror
    set y2tics
    set yrange [0:*]
    set y2range [0:*]
    plot f using 2:xtic(1) axes x1y1 ls 1 title "req/s", \
         f using 4 axes x1y2 ls 2 title "reached the app (%)"
    unset style data
    unset y2tics
    unset y2label
    set ytics mirror
    set xtics norotate
  }
}
