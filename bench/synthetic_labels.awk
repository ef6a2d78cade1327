# Labels architecture.csv (id,arch,macs_m,params) with a synthetic accuracy of known structure, in
# the train step's format (id,arch,mean,macs_m,params): accuracy rises with MACs, each layer gains
# most from its first two ops, skip helps a little, plus Gaussian noise (sd `noise`, seeded).
# usage: awk -F, -v seed=S -v noise=0.005 -f bench/synthetic_labels.awk architecture.csv
BEGIN { OFS = ","; srand(seed); print "id,arch,mean,macs_m,params" }
NR == 1 { next }
{
  acc = 0.30 + 0.012 * $3
  n = split($2, layers, "-")
  for (l = 1; l <= n; l++) {
    used = gsub(/1/, "1", layers[l])
    acc += 0.02 * (used < 2 ? used : 2) - 0.004 * used + (substr(layers[l], 1, 1) == "1" ? 0.01 : 0)
  }
  # Box-Muller
  u1 = rand(); u2 = rand(); if (u1 < 1e-12) u1 = 1e-12
  acc += noise * sqrt(-2 * log(u1)) * cos(6.283185307179586 * u2)
  printf "%s,%s,%.6f,%s,%s\n", $1, $2, acc, $3, $4
}
