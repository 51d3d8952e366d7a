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
     '' index 5 using 1:2 with linespoints title 'QuickFCN / equal', \
     '' index 6 using 1:2 with linespoints title 'QuickFCN / DWA', \
     '' index 7 using 1:2 with linespoints title 'QuickFCN / GradNorm', \
     '' index 8 using 1:2 with linespoints title 'QuickFCN / PCGrad', \
     '' index 9 using 1:2 with linespoints title 'QuickFCN / MGDA', \
     '' index 10 using 1:2 with linespoints title 'QuickFCN / MGDA-UB', \
     '' index 11 using 1:2 with linespoints title 'QuickFCN / CAGrad', \
     '' index 12 using 1:2 with linespoints title 'QuickFCN / Nash-MTL', \
     '' index 13 using 1:2 with linespoints title 'QuickFCN / IMTL-G', \
     '' index 14 using 1:2 with linespoints title 'QuickFCN / RLW'
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
     '' index 4 using 1:2 with linespoints title 'QuickFCN / equal', \
     '' index 5 using 1:2 with linespoints title 'QuickFCN / DWA', \
     '' index 6 using 1:2 with linespoints title 'QuickFCN / GradNorm', \
     '' index 7 using 1:2 with linespoints title 'QuickFCN / PCGrad', \
     '' index 8 using 1:2 with linespoints title 'QuickFCN / MGDA', \
     '' index 9 using 1:2 with linespoints title 'QuickFCN / MGDA-UB', \
     '' index 10 using 1:2 with linespoints title 'QuickFCN / CAGrad', \
     '' index 11 using 1:2 with linespoints title 'QuickFCN / Nash-MTL', \
     '' index 12 using 1:2 with linespoints title 'QuickFCN / IMTL-G', \
     '' index 13 using 1:2 with linespoints title 'QuickFCN / RLW'
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
     '' index 4 using 1:2 with linespoints title 'QuickFCN / equal', \
     '' index 5 using 1:2 with linespoints title 'QuickFCN / DWA', \
     '' index 6 using 1:2 with linespoints title 'QuickFCN / GradNorm', \
     '' index 7 using 1:2 with linespoints title 'QuickFCN / PCGrad', \
     '' index 8 using 1:2 with linespoints title 'QuickFCN / MGDA', \
     '' index 9 using 1:2 with linespoints title 'QuickFCN / MGDA-UB', \
     '' index 10 using 1:2 with linespoints title 'QuickFCN / CAGrad', \
     '' index 11 using 1:2 with linespoints title 'QuickFCN / Nash-MTL', \
     '' index 12 using 1:2 with linespoints title 'QuickFCN / IMTL-G', \
     '' index 13 using 1:2 with linespoints title 'QuickFCN / RLW'
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

# task_weights_quickfcn_equal
set terminal svg size 900,540 noenhanced font 'Sans,12' background '#ffffff'
set output 'task_weights_quickfcn_equal.svg'
set title 'QuickFCN / equal: task weights (equal), mean over trials'
set xlabel 'epoch'
set ylabel 'weight'
set key outside right top
set grid
set offsets 0, 0, graph 0.05, graph 0.05
plot 'task_weights_quickfcn_equal.dat' using 1:2 with linespoints title 'segmentation', \
     '' using 1:3 with linespoints title 'classification'
set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'
set output 'task_weights_quickfcn_equal.png'
replot
set output
reset

# task_weights_quickfcn_dwa
set terminal svg size 900,540 noenhanced font 'Sans,12' background '#ffffff'
set output 'task_weights_quickfcn_dwa.svg'
set title 'QuickFCN / DWA: task weights (dwa), mean over trials'
set xlabel 'epoch'
set ylabel 'weight'
set key outside right top
set grid
set offsets 0, 0, graph 0.05, graph 0.05
plot 'task_weights_quickfcn_dwa.dat' using 1:2 with linespoints title 'segmentation', \
     '' using 1:3 with linespoints title 'classification'
set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'
set output 'task_weights_quickfcn_dwa.png'
replot
set output
reset

# task_weights_quickfcn_gradnorm
set terminal svg size 900,540 noenhanced font 'Sans,12' background '#ffffff'
set output 'task_weights_quickfcn_gradnorm.svg'
set title 'QuickFCN / GradNorm: task weights (gradnorm), mean over trials'
set xlabel 'epoch'
set ylabel 'weight'
set key outside right top
set grid
set offsets 0, 0, graph 0.05, graph 0.05
plot 'task_weights_quickfcn_gradnorm.dat' using 1:2 with linespoints title 'segmentation', \
     '' using 1:3 with linespoints title 'classification'
set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'
set output 'task_weights_quickfcn_gradnorm.png'
replot
set output
reset

# task_weights_quickfcn_pcgrad
set terminal svg size 900,540 noenhanced font 'Sans,12' background '#ffffff'
set output 'task_weights_quickfcn_pcgrad.svg'
set title 'QuickFCN / PCGrad: task weights (pcgrad), mean over trials'
set xlabel 'epoch'
set ylabel 'weight'
set key outside right top
set grid
set offsets 0, 0, graph 0.05, graph 0.05
plot 'task_weights_quickfcn_pcgrad.dat' using 1:2 with linespoints title 'segmentation', \
     '' using 1:3 with linespoints title 'classification'
set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'
set output 'task_weights_quickfcn_pcgrad.png'
replot
set output
reset

# task_weights_quickfcn_mgda
set terminal svg size 900,540 noenhanced font 'Sans,12' background '#ffffff'
set output 'task_weights_quickfcn_mgda.svg'
set title 'QuickFCN / MGDA: task weights (mgda), mean over trials'
set xlabel 'epoch'
set ylabel 'weight'
set key outside right top
set grid
set offsets 0, 0, graph 0.05, graph 0.05
plot 'task_weights_quickfcn_mgda.dat' using 1:2 with linespoints title 'segmentation', \
     '' using 1:3 with linespoints title 'classification'
set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'
set output 'task_weights_quickfcn_mgda.png'
replot
set output
reset

# task_weights_quickfcn_mgda_ub
set terminal svg size 900,540 noenhanced font 'Sans,12' background '#ffffff'
set output 'task_weights_quickfcn_mgda_ub.svg'
set title 'QuickFCN / MGDA-UB: task weights (mgda), mean over trials'
set xlabel 'epoch'
set ylabel 'weight'
set key outside right top
set grid
set offsets 0, 0, graph 0.05, graph 0.05
plot 'task_weights_quickfcn_mgda_ub.dat' using 1:2 with linespoints title 'segmentation', \
     '' using 1:3 with linespoints title 'classification'
set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'
set output 'task_weights_quickfcn_mgda_ub.png'
replot
set output
reset

# task_weights_quickfcn_cagrad
set terminal svg size 900,540 noenhanced font 'Sans,12' background '#ffffff'
set output 'task_weights_quickfcn_cagrad.svg'
set title 'QuickFCN / CAGrad: task weights (cagrad), mean over trials'
set xlabel 'epoch'
set ylabel 'weight'
set key outside right top
set grid
set offsets 0, 0, graph 0.05, graph 0.05
plot 'task_weights_quickfcn_cagrad.dat' using 1:2 with linespoints title 'segmentation', \
     '' using 1:3 with linespoints title 'classification'
set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'
set output 'task_weights_quickfcn_cagrad.png'
replot
set output
reset

# task_weights_quickfcn_nash_mtl
set terminal svg size 900,540 noenhanced font 'Sans,12' background '#ffffff'
set output 'task_weights_quickfcn_nash_mtl.svg'
set title 'QuickFCN / Nash-MTL: task weights (nash_mtl), mean over trials'
set xlabel 'epoch'
set ylabel 'weight'
set key outside right top
set grid
set offsets 0, 0, graph 0.05, graph 0.05
plot 'task_weights_quickfcn_nash_mtl.dat' using 1:2 with linespoints title 'segmentation', \
     '' using 1:3 with linespoints title 'classification'
set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'
set output 'task_weights_quickfcn_nash_mtl.png'
replot
set output
reset

# task_weights_quickfcn_imtl_g
set terminal svg size 900,540 noenhanced font 'Sans,12' background '#ffffff'
set output 'task_weights_quickfcn_imtl_g.svg'
set title 'QuickFCN / IMTL-G: task weights (imtl_g), mean over trials'
set xlabel 'epoch'
set ylabel 'weight'
set key outside right top
set grid
set offsets 0, 0, graph 0.05, graph 0.05
plot 'task_weights_quickfcn_imtl_g.dat' using 1:2 with linespoints title 'segmentation', \
     '' using 1:3 with linespoints title 'classification'
set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'
set output 'task_weights_quickfcn_imtl_g.png'
replot
set output
reset

# task_weights_quickfcn_rlw
set terminal svg size 900,540 noenhanced font 'Sans,12' background '#ffffff'
set output 'task_weights_quickfcn_rlw.svg'
set title 'QuickFCN / RLW: task weights (rlw), mean over trials'
set xlabel 'epoch'
set ylabel 'weight'
set key outside right top
set grid
set offsets 0, 0, graph 0.05, graph 0.05
plot 'task_weights_quickfcn_rlw.dat' using 1:2 with linespoints title 'segmentation', \
     '' using 1:3 with linespoints title 'classification'
set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'
set output 'task_weights_quickfcn_rlw.png'
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

# confusion_quickfcn_equal
set terminal svg size 900,540 noenhanced font 'Sans,12' background '#ffffff'
set output 'confusion_quickfcn_equal.svg'
set title 'QuickFCN / equal: test confusion matrix, 8 seeds summed'
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
plot 'confusion_quickfcn_equal.dat' matrix with image pixels, \
     '' matrix using 1:2:(sprintf('%d', int($3))):($3 > 76.5 ? 0xffffff : 0x000000) with labels textcolor rgb variable
set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'
set output 'confusion_quickfcn_equal.png'
replot
set output
reset

# confusion_quickfcn_dwa
set terminal svg size 900,540 noenhanced font 'Sans,12' background '#ffffff'
set output 'confusion_quickfcn_dwa.svg'
set title 'QuickFCN / DWA: test confusion matrix, 8 seeds summed'
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
plot 'confusion_quickfcn_dwa.dat' matrix with image pixels, \
     '' matrix using 1:2:(sprintf('%d', int($3))):($3 > 79.5 ? 0xffffff : 0x000000) with labels textcolor rgb variable
set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'
set output 'confusion_quickfcn_dwa.png'
replot
set output
reset

# confusion_quickfcn_gradnorm
set terminal svg size 900,540 noenhanced font 'Sans,12' background '#ffffff'
set output 'confusion_quickfcn_gradnorm.svg'
set title 'QuickFCN / GradNorm: test confusion matrix, 8 seeds summed'
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
plot 'confusion_quickfcn_gradnorm.dat' matrix with image pixels, \
     '' matrix using 1:2:(sprintf('%d', int($3))):($3 > 75.5 ? 0xffffff : 0x000000) with labels textcolor rgb variable
set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'
set output 'confusion_quickfcn_gradnorm.png'
replot
set output
reset

# confusion_quickfcn_pcgrad
set terminal svg size 900,540 noenhanced font 'Sans,12' background '#ffffff'
set output 'confusion_quickfcn_pcgrad.svg'
set title 'QuickFCN / PCGrad: test confusion matrix, 8 seeds summed'
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
plot 'confusion_quickfcn_pcgrad.dat' matrix with image pixels, \
     '' matrix using 1:2:(sprintf('%d', int($3))):($3 > 76.5 ? 0xffffff : 0x000000) with labels textcolor rgb variable
set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'
set output 'confusion_quickfcn_pcgrad.png'
replot
set output
reset

# confusion_quickfcn_mgda
set terminal svg size 900,540 noenhanced font 'Sans,12' background '#ffffff'
set output 'confusion_quickfcn_mgda.svg'
set title 'QuickFCN / MGDA: test confusion matrix, 8 seeds summed'
set xlabel 'predicted'
set ylabel 'true'
set xtics ('0' 0, '1' 1, '2' 2)
set ytics ('0' 0, '1' 1, '2' 2)
set xrange [-0.5:2.5]
set yrange [2.5:-0.5]
set cbrange [0:136]
set palette defined (0 '#ffffff', 1 '#08519c')
set size square
unset key
plot 'confusion_quickfcn_mgda.dat' matrix with image pixels, \
     '' matrix using 1:2:(sprintf('%d', int($3))):($3 > 68 ? 0xffffff : 0x000000) with labels textcolor rgb variable
set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'
set output 'confusion_quickfcn_mgda.png'
replot
set output
reset

# confusion_quickfcn_mgda_ub
set terminal svg size 900,540 noenhanced font 'Sans,12' background '#ffffff'
set output 'confusion_quickfcn_mgda_ub.svg'
set title 'QuickFCN / MGDA-UB: test confusion matrix, 8 seeds summed'
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
plot 'confusion_quickfcn_mgda_ub.dat' matrix with image pixels, \
     '' matrix using 1:2:(sprintf('%d', int($3))):($3 > 76.5 ? 0xffffff : 0x000000) with labels textcolor rgb variable
set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'
set output 'confusion_quickfcn_mgda_ub.png'
replot
set output
reset

# confusion_quickfcn_cagrad
set terminal svg size 900,540 noenhanced font 'Sans,12' background '#ffffff'
set output 'confusion_quickfcn_cagrad.svg'
set title 'QuickFCN / CAGrad: test confusion matrix, 8 seeds summed'
set xlabel 'predicted'
set ylabel 'true'
set xtics ('0' 0, '1' 1, '2' 2)
set ytics ('0' 0, '1' 1, '2' 2)
set xrange [-0.5:2.5]
set yrange [2.5:-0.5]
set cbrange [0:155]
set palette defined (0 '#ffffff', 1 '#08519c')
set size square
unset key
plot 'confusion_quickfcn_cagrad.dat' matrix with image pixels, \
     '' matrix using 1:2:(sprintf('%d', int($3))):($3 > 77.5 ? 0xffffff : 0x000000) with labels textcolor rgb variable
set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'
set output 'confusion_quickfcn_cagrad.png'
replot
set output
reset

# confusion_quickfcn_nash_mtl
set terminal svg size 900,540 noenhanced font 'Sans,12' background '#ffffff'
set output 'confusion_quickfcn_nash_mtl.svg'
set title 'QuickFCN / Nash-MTL: test confusion matrix, 8 seeds summed'
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
plot 'confusion_quickfcn_nash_mtl.dat' matrix with image pixels, \
     '' matrix using 1:2:(sprintf('%d', int($3))):($3 > 75.5 ? 0xffffff : 0x000000) with labels textcolor rgb variable
set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'
set output 'confusion_quickfcn_nash_mtl.png'
replot
set output
reset

# confusion_quickfcn_imtl_g
set terminal svg size 900,540 noenhanced font 'Sans,12' background '#ffffff'
set output 'confusion_quickfcn_imtl_g.svg'
set title 'QuickFCN / IMTL-G: test confusion matrix, 8 seeds summed'
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
plot 'confusion_quickfcn_imtl_g.dat' matrix with image pixels, \
     '' matrix using 1:2:(sprintf('%d', int($3))):($3 > 76.5 ? 0xffffff : 0x000000) with labels textcolor rgb variable
set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'
set output 'confusion_quickfcn_imtl_g.png'
replot
set output
reset

# confusion_quickfcn_rlw
set terminal svg size 900,540 noenhanced font 'Sans,12' background '#ffffff'
set output 'confusion_quickfcn_rlw.svg'
set title 'QuickFCN / RLW: test confusion matrix, 8 seeds summed'
set xlabel 'predicted'
set ylabel 'true'
set xtics ('0' 0, '1' 1, '2' 2)
set ytics ('0' 0, '1' 1, '2' 2)
set xrange [-0.5:2.5]
set yrange [2.5:-0.5]
set cbrange [0:145]
set palette defined (0 '#ffffff', 1 '#08519c')
set size square
unset key
plot 'confusion_quickfcn_rlw.dat' matrix with image pixels, \
     '' matrix using 1:2:(sprintf('%d', int($3))):($3 > 72.5 ? 0xffffff : 0x000000) with labels textcolor rgb variable
set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'
set output 'confusion_quickfcn_rlw.png'
replot
set output
reset
