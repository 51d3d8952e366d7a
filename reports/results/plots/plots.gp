# Drawn by //reports:plots; run `gnuplot plots.gp` here to redraw.
set encoding utf8

# train_loss
set terminal svg size 900,540 noenhanced font 'Sans,12' background '#ffffff'
set output 'train_loss.svg'
set title 'Training loss (mean over trials)'
set xlabel 'epoch'
set ylabel 'loss'
set key outside right top
set grid
set offsets 0, 0, graph 0.05, graph 0.05
plot 'train_loss.dat' index 0 using 1:2 with linespoints title 'QuickNAT', \
     '' index 1 using 1:2 with linespoints title 'ResNet-18', \
     '' index 2 using 1:2 with linespoints title 'QuickFCN / linear', \
     '' index 3 using 1:2 with linespoints title 'QuickFCN / uncertainty', \
     '' index 4 using 1:2 with linespoints title 'QuickFCN / scheduled', \
     '' index 5 using 1:2 with linespoints title 'QuickFCN / original head', \
     '' index 6 using 1:2 with linespoints title 'SoftQuickFCN / linear', \
     '' index 7 using 1:2 with linespoints title 'SoftQuickFCN / uncertainty', \
     '' index 8 using 1:2 with linespoints title 'SoftQuickFCN / scheduled', \
     '' index 9 using 1:2 with linespoints title 'SoftQuickFCN / original'
set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'
set output 'train_loss.png'
replot
set output
reset

# val_dice
set terminal svg size 900,540 noenhanced font 'Sans,12' background '#ffffff'
set output 'val_dice.svg'
set title 'Validation Dice (mean over trials)'
set xlabel 'epoch'
set ylabel 'Dice'
set key outside right top
set grid
set offsets 0, 0, graph 0.05, graph 0.05
plot 'val_dice.dat' index 0 using 1:2 with linespoints title 'QuickNAT', \
     '' index 1 using 1:2 with linespoints title 'QuickFCN / linear', \
     '' index 2 using 1:2 with linespoints title 'QuickFCN / uncertainty', \
     '' index 3 using 1:2 with linespoints title 'QuickFCN / scheduled', \
     '' index 4 using 1:2 with linespoints title 'QuickFCN / original head', \
     '' index 5 using 1:2 with linespoints title 'SoftQuickFCN / linear', \
     '' index 6 using 1:2 with linespoints title 'SoftQuickFCN / uncertainty', \
     '' index 7 using 1:2 with linespoints title 'SoftQuickFCN / scheduled', \
     '' index 8 using 1:2 with linespoints title 'SoftQuickFCN / original'
set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'
set output 'val_dice.png'
replot
set output
reset

# val_accuracy
set terminal svg size 900,540 noenhanced font 'Sans,12' background '#ffffff'
set output 'val_accuracy.svg'
set title 'Validation accuracy (mean over trials)'
set xlabel 'epoch'
set ylabel 'accuracy'
set key outside right top
set grid
set offsets 0, 0, graph 0.05, graph 0.05
plot 'val_accuracy.dat' index 0 using 1:2 with linespoints title 'ResNet-18', \
     '' index 1 using 1:2 with linespoints title 'QuickFCN / linear', \
     '' index 2 using 1:2 with linespoints title 'QuickFCN / uncertainty', \
     '' index 3 using 1:2 with linespoints title 'QuickFCN / scheduled', \
     '' index 4 using 1:2 with linespoints title 'QuickFCN / original head', \
     '' index 5 using 1:2 with linespoints title 'SoftQuickFCN / linear', \
     '' index 6 using 1:2 with linespoints title 'SoftQuickFCN / uncertainty', \
     '' index 7 using 1:2 with linespoints title 'SoftQuickFCN / scheduled', \
     '' index 8 using 1:2 with linespoints title 'SoftQuickFCN / original'
set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'
set output 'val_accuracy.png'
replot
set output
reset

# task_weights_quickfcn_linear
set terminal svg size 900,540 noenhanced font 'Sans,12' background '#ffffff'
set output 'task_weights_quickfcn_linear.svg'
set title 'QuickFCN / linear: task weights (linear), mean over trials'
set xlabel 'epoch'
set ylabel 'weight'
set key outside right top
set grid
set offsets 0, 0, graph 0.05, graph 0.05
plot 'task_weights_quickfcn_linear.dat' using 1:2 with linespoints title 'segmentation', \
     '' using 1:3 with linespoints title 'classification'
set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'
set output 'task_weights_quickfcn_linear.png'
replot
set output
reset

# task_weights_quickfcn_uncertainty
set terminal svg size 900,540 noenhanced font 'Sans,12' background '#ffffff'
set output 'task_weights_quickfcn_uncertainty.svg'
set title 'QuickFCN / uncertainty: task weights (uncertainty), mean over trials'
set xlabel 'epoch'
set ylabel 'weight'
set key outside right top
set grid
set offsets 0, 0, graph 0.05, graph 0.05
plot 'task_weights_quickfcn_uncertainty.dat' using 1:2 with linespoints title 'segmentation', \
     '' using 1:3 with linespoints title 'classification'
set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'
set output 'task_weights_quickfcn_uncertainty.png'
replot
set output
reset

# task_weights_quickfcn_scheduled
set terminal svg size 900,540 noenhanced font 'Sans,12' background '#ffffff'
set output 'task_weights_quickfcn_scheduled.svg'
set title 'QuickFCN / scheduled: task weights (scheduled), mean over trials'
set xlabel 'epoch'
set ylabel 'weight'
set key outside right top
set grid
set offsets 0, 0, graph 0.05, graph 0.05
plot 'task_weights_quickfcn_scheduled.dat' using 1:2 with linespoints title 'segmentation', \
     '' using 1:3 with linespoints title 'classification'
set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'
set output 'task_weights_quickfcn_scheduled.png'
replot
set output
reset

# task_weights_quickfcn_original_head
set terminal svg size 900,540 noenhanced font 'Sans,12' background '#ffffff'
set output 'task_weights_quickfcn_original_head.svg'
set title 'QuickFCN / original head: task weights (linear), mean over trials'
set xlabel 'epoch'
set ylabel 'weight'
set key outside right top
set grid
set offsets 0, 0, graph 0.05, graph 0.05
plot 'task_weights_quickfcn_original_head.dat' using 1:2 with linespoints title 'segmentation', \
     '' using 1:3 with linespoints title 'classification'
set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'
set output 'task_weights_quickfcn_original_head.png'
replot
set output
reset

# task_weights_softquickfcn_linear
set terminal svg size 900,540 noenhanced font 'Sans,12' background '#ffffff'
set output 'task_weights_softquickfcn_linear.svg'
set title 'SoftQuickFCN / linear: task weights (linear), mean over trials'
set xlabel 'epoch'
set ylabel 'weight'
set key outside right top
set grid
set offsets 0, 0, graph 0.05, graph 0.05
plot 'task_weights_softquickfcn_linear.dat' using 1:2 with linespoints title 'segmentation', \
     '' using 1:3 with linespoints title 'classification'
set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'
set output 'task_weights_softquickfcn_linear.png'
replot
set output
reset

# task_weights_softquickfcn_uncertainty
set terminal svg size 900,540 noenhanced font 'Sans,12' background '#ffffff'
set output 'task_weights_softquickfcn_uncertainty.svg'
set title 'SoftQuickFCN / uncertainty: task weights (uncertainty), mean over trials'
set xlabel 'epoch'
set ylabel 'weight'
set key outside right top
set grid
set offsets 0, 0, graph 0.05, graph 0.05
plot 'task_weights_softquickfcn_uncertainty.dat' using 1:2 with linespoints title 'segmentation', \
     '' using 1:3 with linespoints title 'classification'
set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'
set output 'task_weights_softquickfcn_uncertainty.png'
replot
set output
reset

# task_weights_softquickfcn_scheduled
set terminal svg size 900,540 noenhanced font 'Sans,12' background '#ffffff'
set output 'task_weights_softquickfcn_scheduled.svg'
set title 'SoftQuickFCN / scheduled: task weights (scheduled), mean over trials'
set xlabel 'epoch'
set ylabel 'weight'
set key outside right top
set grid
set offsets 0, 0, graph 0.05, graph 0.05
plot 'task_weights_softquickfcn_scheduled.dat' using 1:2 with linespoints title 'segmentation', \
     '' using 1:3 with linespoints title 'classification'
set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'
set output 'task_weights_softquickfcn_scheduled.png'
replot
set output
reset

# task_weights_softquickfcn_original
set terminal svg size 900,540 noenhanced font 'Sans,12' background '#ffffff'
set output 'task_weights_softquickfcn_original.svg'
set title 'SoftQuickFCN / original: task weights (linear), mean over trials'
set xlabel 'epoch'
set ylabel 'weight'
set key outside right top
set grid
set offsets 0, 0, graph 0.05, graph 0.05
plot 'task_weights_softquickfcn_original.dat' using 1:2 with linespoints title 'segmentation', \
     '' using 1:3 with linespoints title 'classification'
set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'
set output 'task_weights_softquickfcn_original.png'
replot
set output
reset

# cross_stitch_softquickfcn_linear
set terminal svg size 900,540 noenhanced font 'Sans,12' background '#ffffff'
set output 'cross_stitch_softquickfcn_linear.svg'
set title 'SoftQuickFCN / linear: cross-stitch alpha (channel mean, mean over trials)'
set xlabel 'epoch'
set ylabel 'alpha'
set key outside right top
set grid
set offsets 0, 0, graph 0.05, graph 0.05
plot 'cross_stitch_softquickfcn_linear.dat' using 1:2 with lines linecolor 1 dashtype 1 title 'unit 0/cc', \
     '' using 1:3 with lines linecolor 2 dashtype 1 title 'unit 0/cs', \
     '' using 1:4 with lines linecolor 3 dashtype 1 title 'unit 0/sc', \
     '' using 1:5 with lines linecolor 4 dashtype 1 title 'unit 0/ss', \
     '' using 1:6 with lines linecolor 1 dashtype 2 title 'unit 1/cc', \
     '' using 1:7 with lines linecolor 2 dashtype 2 title 'unit 1/cs', \
     '' using 1:8 with lines linecolor 3 dashtype 2 title 'unit 1/sc', \
     '' using 1:9 with lines linecolor 4 dashtype 2 title 'unit 1/ss', \
     '' using 1:10 with lines linecolor 1 dashtype 3 title 'unit 2/cc', \
     '' using 1:11 with lines linecolor 2 dashtype 3 title 'unit 2/cs', \
     '' using 1:12 with lines linecolor 3 dashtype 3 title 'unit 2/sc', \
     '' using 1:13 with lines linecolor 4 dashtype 3 title 'unit 2/ss', \
     '' using 1:14 with lines linecolor 1 dashtype 4 title 'unit 3/cc', \
     '' using 1:15 with lines linecolor 2 dashtype 4 title 'unit 3/cs', \
     '' using 1:16 with lines linecolor 3 dashtype 4 title 'unit 3/sc', \
     '' using 1:17 with lines linecolor 4 dashtype 4 title 'unit 3/ss'
set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'
set output 'cross_stitch_softquickfcn_linear.png'
replot
set output
reset

# cross_stitch_softquickfcn_uncertainty
set terminal svg size 900,540 noenhanced font 'Sans,12' background '#ffffff'
set output 'cross_stitch_softquickfcn_uncertainty.svg'
set title 'SoftQuickFCN / uncertainty: cross-stitch alpha (channel mean, mean over trials)'
set xlabel 'epoch'
set ylabel 'alpha'
set key outside right top
set grid
set offsets 0, 0, graph 0.05, graph 0.05
plot 'cross_stitch_softquickfcn_uncertainty.dat' using 1:2 with lines linecolor 1 dashtype 1 title 'unit 0/cc', \
     '' using 1:3 with lines linecolor 2 dashtype 1 title 'unit 0/cs', \
     '' using 1:4 with lines linecolor 3 dashtype 1 title 'unit 0/sc', \
     '' using 1:5 with lines linecolor 4 dashtype 1 title 'unit 0/ss', \
     '' using 1:6 with lines linecolor 1 dashtype 2 title 'unit 1/cc', \
     '' using 1:7 with lines linecolor 2 dashtype 2 title 'unit 1/cs', \
     '' using 1:8 with lines linecolor 3 dashtype 2 title 'unit 1/sc', \
     '' using 1:9 with lines linecolor 4 dashtype 2 title 'unit 1/ss', \
     '' using 1:10 with lines linecolor 1 dashtype 3 title 'unit 2/cc', \
     '' using 1:11 with lines linecolor 2 dashtype 3 title 'unit 2/cs', \
     '' using 1:12 with lines linecolor 3 dashtype 3 title 'unit 2/sc', \
     '' using 1:13 with lines linecolor 4 dashtype 3 title 'unit 2/ss', \
     '' using 1:14 with lines linecolor 1 dashtype 4 title 'unit 3/cc', \
     '' using 1:15 with lines linecolor 2 dashtype 4 title 'unit 3/cs', \
     '' using 1:16 with lines linecolor 3 dashtype 4 title 'unit 3/sc', \
     '' using 1:17 with lines linecolor 4 dashtype 4 title 'unit 3/ss'
set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'
set output 'cross_stitch_softquickfcn_uncertainty.png'
replot
set output
reset

# cross_stitch_softquickfcn_scheduled
set terminal svg size 900,540 noenhanced font 'Sans,12' background '#ffffff'
set output 'cross_stitch_softquickfcn_scheduled.svg'
set title 'SoftQuickFCN / scheduled: cross-stitch alpha (channel mean, mean over trials)'
set xlabel 'epoch'
set ylabel 'alpha'
set key outside right top
set grid
set offsets 0, 0, graph 0.05, graph 0.05
plot 'cross_stitch_softquickfcn_scheduled.dat' using 1:2 with lines linecolor 1 dashtype 1 title 'unit 0/cc', \
     '' using 1:3 with lines linecolor 2 dashtype 1 title 'unit 0/cs', \
     '' using 1:4 with lines linecolor 3 dashtype 1 title 'unit 0/sc', \
     '' using 1:5 with lines linecolor 4 dashtype 1 title 'unit 0/ss', \
     '' using 1:6 with lines linecolor 1 dashtype 2 title 'unit 1/cc', \
     '' using 1:7 with lines linecolor 2 dashtype 2 title 'unit 1/cs', \
     '' using 1:8 with lines linecolor 3 dashtype 2 title 'unit 1/sc', \
     '' using 1:9 with lines linecolor 4 dashtype 2 title 'unit 1/ss', \
     '' using 1:10 with lines linecolor 1 dashtype 3 title 'unit 2/cc', \
     '' using 1:11 with lines linecolor 2 dashtype 3 title 'unit 2/cs', \
     '' using 1:12 with lines linecolor 3 dashtype 3 title 'unit 2/sc', \
     '' using 1:13 with lines linecolor 4 dashtype 3 title 'unit 2/ss', \
     '' using 1:14 with lines linecolor 1 dashtype 4 title 'unit 3/cc', \
     '' using 1:15 with lines linecolor 2 dashtype 4 title 'unit 3/cs', \
     '' using 1:16 with lines linecolor 3 dashtype 4 title 'unit 3/sc', \
     '' using 1:17 with lines linecolor 4 dashtype 4 title 'unit 3/ss'
set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'
set output 'cross_stitch_softquickfcn_scheduled.png'
replot
set output
reset

# cross_stitch_softquickfcn_original
set terminal svg size 900,540 noenhanced font 'Sans,12' background '#ffffff'
set output 'cross_stitch_softquickfcn_original.svg'
set title 'SoftQuickFCN / original: cross-stitch alpha (channel mean, mean over trials)'
set xlabel 'epoch'
set ylabel 'alpha'
set key outside right top
set grid
set offsets 0, 0, graph 0.05, graph 0.05
plot 'cross_stitch_softquickfcn_original.dat' using 1:2 with lines linecolor 1 dashtype 1 title 'unit 0/cc', \
     '' using 1:3 with lines linecolor 2 dashtype 1 title 'unit 0/cs', \
     '' using 1:4 with lines linecolor 3 dashtype 1 title 'unit 0/sc', \
     '' using 1:5 with lines linecolor 4 dashtype 1 title 'unit 0/ss', \
     '' using 1:6 with lines linecolor 1 dashtype 2 title 'unit 1/cc', \
     '' using 1:7 with lines linecolor 2 dashtype 2 title 'unit 1/cs', \
     '' using 1:8 with lines linecolor 3 dashtype 2 title 'unit 1/sc', \
     '' using 1:9 with lines linecolor 4 dashtype 2 title 'unit 1/ss', \
     '' using 1:10 with lines linecolor 1 dashtype 3 title 'unit 2/cc', \
     '' using 1:11 with lines linecolor 2 dashtype 3 title 'unit 2/cs', \
     '' using 1:12 with lines linecolor 3 dashtype 3 title 'unit 2/sc', \
     '' using 1:13 with lines linecolor 4 dashtype 3 title 'unit 2/ss', \
     '' using 1:14 with lines linecolor 1 dashtype 4 title 'unit 3/cc', \
     '' using 1:15 with lines linecolor 2 dashtype 4 title 'unit 3/cs', \
     '' using 1:16 with lines linecolor 3 dashtype 4 title 'unit 3/sc', \
     '' using 1:17 with lines linecolor 4 dashtype 4 title 'unit 3/ss'
set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'
set output 'cross_stitch_softquickfcn_original.png'
replot
set output
reset

# confusion_resnet_18
set terminal svg size 900,540 noenhanced font 'Sans,12' background '#ffffff'
set output 'confusion_resnet_18.svg'
set title 'ResNet-18: test confusion matrix, 8 seeds summed'
set xlabel 'predicted'
set ylabel 'true'
set xtics ('0' 0, '1' 1, '2' 2)
set ytics ('0' 0, '1' 1, '2' 2)
set xrange [-0.5:2.5]
set yrange [2.5:-0.5]
set cbrange [0:142]
set palette defined (0 '#ffffff', 1 '#08519c')
set size square
unset key
plot 'confusion_resnet_18.dat' matrix with image pixels, \
     '' matrix using 1:2:(sprintf('%d', int($3))):($3 > 71 ? 0xffffff : 0x000000) with labels textcolor rgb variable
set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'
set output 'confusion_resnet_18.png'
replot
set output
reset

# confusion_quickfcn_linear
set terminal svg size 900,540 noenhanced font 'Sans,12' background '#ffffff'
set output 'confusion_quickfcn_linear.svg'
set title 'QuickFCN / linear: test confusion matrix, 8 seeds summed'
set xlabel 'predicted'
set ylabel 'true'
set xtics ('0' 0, '1' 1, '2' 2)
set ytics ('0' 0, '1' 1, '2' 2)
set xrange [-0.5:2.5]
set yrange [2.5:-0.5]
set cbrange [0:153]
set palette defined (0 '#ffffff', 1 '#08519c')
set size square
unset key
plot 'confusion_quickfcn_linear.dat' matrix with image pixels, \
     '' matrix using 1:2:(sprintf('%d', int($3))):($3 > 76.5 ? 0xffffff : 0x000000) with labels textcolor rgb variable
set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'
set output 'confusion_quickfcn_linear.png'
replot
set output
reset

# confusion_quickfcn_uncertainty
set terminal svg size 900,540 noenhanced font 'Sans,12' background '#ffffff'
set output 'confusion_quickfcn_uncertainty.svg'
set title 'QuickFCN / uncertainty: test confusion matrix, 8 seeds summed'
set xlabel 'predicted'
set ylabel 'true'
set xtics ('0' 0, '1' 1, '2' 2)
set ytics ('0' 0, '1' 1, '2' 2)
set xrange [-0.5:2.5]
set yrange [2.5:-0.5]
set cbrange [0:159]
set palette defined (0 '#ffffff', 1 '#08519c')
set size square
unset key
plot 'confusion_quickfcn_uncertainty.dat' matrix with image pixels, \
     '' matrix using 1:2:(sprintf('%d', int($3))):($3 > 79.5 ? 0xffffff : 0x000000) with labels textcolor rgb variable
set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'
set output 'confusion_quickfcn_uncertainty.png'
replot
set output
reset

# confusion_quickfcn_scheduled
set terminal svg size 900,540 noenhanced font 'Sans,12' background '#ffffff'
set output 'confusion_quickfcn_scheduled.svg'
set title 'QuickFCN / scheduled: test confusion matrix, 8 seeds summed'
set xlabel 'predicted'
set ylabel 'true'
set xtics ('0' 0, '1' 1, '2' 2)
set ytics ('0' 0, '1' 1, '2' 2)
set xrange [-0.5:2.5]
set yrange [2.5:-0.5]
set cbrange [0:151]
set palette defined (0 '#ffffff', 1 '#08519c')
set size square
unset key
plot 'confusion_quickfcn_scheduled.dat' matrix with image pixels, \
     '' matrix using 1:2:(sprintf('%d', int($3))):($3 > 75.5 ? 0xffffff : 0x000000) with labels textcolor rgb variable
set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'
set output 'confusion_quickfcn_scheduled.png'
replot
set output
reset

# confusion_quickfcn_original_head
set terminal svg size 900,540 noenhanced font 'Sans,12' background '#ffffff'
set output 'confusion_quickfcn_original_head.svg'
set title 'QuickFCN / original head: test confusion matrix, 8 seeds summed'
set xlabel 'predicted'
set ylabel 'true'
set xtics ('0' 0, '1' 1, '2' 2)
set ytics ('0' 0, '1' 1, '2' 2)
set xrange [-0.5:2.5]
set yrange [2.5:-0.5]
set cbrange [0:148]
set palette defined (0 '#ffffff', 1 '#08519c')
set size square
unset key
plot 'confusion_quickfcn_original_head.dat' matrix with image pixels, \
     '' matrix using 1:2:(sprintf('%d', int($3))):($3 > 74 ? 0xffffff : 0x000000) with labels textcolor rgb variable
set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'
set output 'confusion_quickfcn_original_head.png'
replot
set output
reset

# confusion_softquickfcn_linear
set terminal svg size 900,540 noenhanced font 'Sans,12' background '#ffffff'
set output 'confusion_softquickfcn_linear.svg'
set title 'SoftQuickFCN / linear: test confusion matrix, 8 seeds summed'
set xlabel 'predicted'
set ylabel 'true'
set xtics ('0' 0, '1' 1, '2' 2)
set ytics ('0' 0, '1' 1, '2' 2)
set xrange [-0.5:2.5]
set yrange [2.5:-0.5]
set cbrange [0:149]
set palette defined (0 '#ffffff', 1 '#08519c')
set size square
unset key
plot 'confusion_softquickfcn_linear.dat' matrix with image pixels, \
     '' matrix using 1:2:(sprintf('%d', int($3))):($3 > 74.5 ? 0xffffff : 0x000000) with labels textcolor rgb variable
set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'
set output 'confusion_softquickfcn_linear.png'
replot
set output
reset

# confusion_softquickfcn_uncertainty
set terminal svg size 900,540 noenhanced font 'Sans,12' background '#ffffff'
set output 'confusion_softquickfcn_uncertainty.svg'
set title 'SoftQuickFCN / uncertainty: test confusion matrix, 8 seeds summed'
set xlabel 'predicted'
set ylabel 'true'
set xtics ('0' 0, '1' 1, '2' 2)
set ytics ('0' 0, '1' 1, '2' 2)
set xrange [-0.5:2.5]
set yrange [2.5:-0.5]
set cbrange [0:147]
set palette defined (0 '#ffffff', 1 '#08519c')
set size square
unset key
plot 'confusion_softquickfcn_uncertainty.dat' matrix with image pixels, \
     '' matrix using 1:2:(sprintf('%d', int($3))):($3 > 73.5 ? 0xffffff : 0x000000) with labels textcolor rgb variable
set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'
set output 'confusion_softquickfcn_uncertainty.png'
replot
set output
reset

# confusion_softquickfcn_scheduled
set terminal svg size 900,540 noenhanced font 'Sans,12' background '#ffffff'
set output 'confusion_softquickfcn_scheduled.svg'
set title 'SoftQuickFCN / scheduled: test confusion matrix, 8 seeds summed'
set xlabel 'predicted'
set ylabel 'true'
set xtics ('0' 0, '1' 1, '2' 2)
set ytics ('0' 0, '1' 1, '2' 2)
set xrange [-0.5:2.5]
set yrange [2.5:-0.5]
set cbrange [0:154]
set palette defined (0 '#ffffff', 1 '#08519c')
set size square
unset key
plot 'confusion_softquickfcn_scheduled.dat' matrix with image pixels, \
     '' matrix using 1:2:(sprintf('%d', int($3))):($3 > 77 ? 0xffffff : 0x000000) with labels textcolor rgb variable
set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'
set output 'confusion_softquickfcn_scheduled.png'
replot
set output
reset

# confusion_softquickfcn_original
set terminal svg size 900,540 noenhanced font 'Sans,12' background '#ffffff'
set output 'confusion_softquickfcn_original.svg'
set title 'SoftQuickFCN / original: test confusion matrix, 8 seeds summed'
set xlabel 'predicted'
set ylabel 'true'
set xtics ('0' 0, '1' 1, '2' 2)
set ytics ('0' 0, '1' 1, '2' 2)
set xrange [-0.5:2.5]
set yrange [2.5:-0.5]
set cbrange [0:106]
set palette defined (0 '#ffffff', 1 '#08519c')
set size square
unset key
plot 'confusion_softquickfcn_original.dat' matrix with image pixels, \
     '' matrix using 1:2:(sprintf('%d', int($3))):($3 > 53 ? 0xffffff : 0x000000) with labels textcolor rgb variable
set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'
set output 'confusion_softquickfcn_original.png'
replot
set output
reset
